import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { scrubSecretsInJson } from '@social-pulse/runtime';

/**
 * Writes rows as newline-delimited JSON (for DuckDB's read_json) without building one string
 * of them all: a batch of 100,000 posts would otherwise be a string of hundreds of MB.
 * Every Parquet file of the lake (posts/, nlp/) is made from these rows, so this is where they
 * are scrubbed of the registry's secrets (environment credentials, in any step's process).
 */
export async function writeNdjson(file: string, rows: readonly object[]): Promise<void> {
  const out = createWriteStream(file);
  const CHUNK = 2_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const text = scrubSecretsInJson(rows.slice(i, i + CHUNK).map((r) => JSON.stringify(r)).join('\n') + '\n');
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}
