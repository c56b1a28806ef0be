/**
 * A worker thread of the lake writer: normalizes the raw pages it is sent, or reads their
 * sidecars (see normalize-pool.ts), and sends back their posts as NDJSON lines, in the order asked.
 */
import { parentPort } from 'node:worker_threads';
import { normalizePage, sidecarPage, type SidecarExpect } from './normalize-page.ts';

if (!parentPort) throw new Error('normalize-worker.ts runs as a worker thread of the lake writer');
const port = parentPort;
port.on('message', (m: { id: number; gz: Uint8Array; sidecar?: SidecarExpect }) => {
  const result = m.sidecar ? sidecarPage(m.gz, m.sidecar) : normalizePage(m.gz);
  // The posts' bytes move to the step's thread rather than being copied.
  port.postMessage({ id: m.id, result: result ?? null }, result ? [result.lines.buffer as ArrayBuffer] : []);
});
