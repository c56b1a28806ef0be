import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { bytesContainSecret, scrubSecretsInJson } from '@social-pulse/runtime';

/**
 * A newline-delimited JSON file (for DuckDB's read_json) written piece by piece, without
 * building one string of it all: a batch of 100,000 posts would otherwise be a string of
 * hundreds of MB. Every Parquet file of the lake (posts/, nlp/) is made from these files, so
 * this is where rows are scrubbed of the registry's secrets (environment credentials, in any
 * step's process): whatever a caller writes here goes through the mask first.
 */
export class NdjsonWriter {
  private readonly out: WriteStream;
  private failed: Error | undefined;

  constructor(readonly file: string) {
    this.out = createWriteStream(file);
    this.out.on('error', (e) => (this.failed = e));
  }

  /** Appends lines of JSON (each ending with a newline), scrubbed of secrets. */
  async writeLines(text: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!text) return;
    if (!this.out.write(scrubSecretsInJson(text))) await once(this.out, 'drain');
  }

  /**
   * Appends lines of JSON already encoded as UTF-8 (each ending with a newline), scrubbed of
   * secrets: written as they are when they hold no registered value (the common case: no
   * decoding, no copy), else decoded, scrubbed and written as text.
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    if (!bytes.byteLength) return;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytesContainSecret(b)) return this.writeLines(b.toString('utf8'));
    if (!this.out.write(b)) await once(this.out, 'drain');
  }

  /**
   * Appends rows, one `JSON.stringify` line each, scrubbed of secrets: encoded straight to UTF-8
   * (jsonLinesUtf8, without a string of the whole chunk), then written as {@link writeBytes}
   * writes them.
   */
  async writeRows(rows: readonly object[]): Promise<void> {
    const CHUNK = 2_000;
    for (let i = 0; i < rows.length; i += CHUNK) await this.writeBytes(jsonLinesUtf8(rows.slice(i, i + CHUNK)));
  }

  async close(): Promise<void> {
    this.out.end();
    await finished(this.out);
  }
}

/** Rows as NDJSON text: one `JSON.stringify` per row, each line ending with a newline ('' for none). */
export function jsonLines(rows: readonly object[]): string {
  return rows.length ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : '';
}

/**
 * The same bytes as `new TextEncoder().encode(jsonLines(rows))`, in an ArrayBuffer of their own
 * (so that they can move to another thread), made without the page's string: each row's
 * `JSON.stringify` is written as UTF-8 straight into a scratch buffer, then the bytes are
 * copied out once. Joining the lines into one string and encoding it cost about five times as
 * much (profile of the lake writer's threads: the joined string, then `TextEncoder`, whose
 * UTF-8 conversion is far slower than `Buffer.write`'s). Lone surrogates become U+FFFD, as
 * `TextEncoder` makes them (`JSON.stringify` escapes them anyway).
 */
export function jsonLinesUtf8(rows: readonly object[]): Uint8Array {
  let off = 0;
  for (const row of rows) {
    const line = JSON.stringify(row);
    // A UTF-16 code unit is at most 3 bytes of UTF-8; 1 more for the newline.
    const most = off + line.length * 3 + 1;
    if (most > scratch.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, most));
      scratch.copy(grown, 0, 0, off);
      scratch = grown;
    }
    off += scratch.write(line, off, 'utf8');
    scratch[off++] = 0x0a;
  }
  const out = new Uint8Array(off);
  out.set(scratch.subarray(0, off));
  // A page with a huge post should not keep a huge scratch buffer for the rest of the run.
  if (scratch.length > SCRATCH_BYTES * 16) scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  return out;
}

const SCRATCH_BYTES = 1 << 20;
/** jsonLinesUtf8's scratch buffer: one per thread (module state), reused from page to page. */
let scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

/** Writes rows as newline-delimited JSON, scrubbed of secrets (see {@link NdjsonWriter}). */
export async function writeNdjson(file: string, rows: readonly object[]): Promise<void> {
  const out = new NdjsonWriter(file);
  try {
    await out.writeRows(rows);
  } finally {
    await out.close();
  }
}
