/**
 * A worker thread of the lake writer: normalizes the raw pages it is sent (see
 * normalize-pool.ts) and sends back their posts as NDJSON lines, in the order asked.
 */
import { parentPort } from 'node:worker_threads';
import { normalizePage } from './normalize-page.ts';

if (!parentPort) throw new Error('normalize-worker.ts runs as a worker thread of the lake writer');
const port = parentPort;
port.on('message', (m: { id: number; gz: Uint8Array }) => {
  const result = normalizePage(m.gz);
  // The posts' bytes move to the step's thread rather than being copied.
  port.postMessage({ id: m.id, result }, [result.lines.buffer as ArrayBuffer]);
});
