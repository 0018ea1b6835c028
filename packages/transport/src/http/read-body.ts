// Reads a request body up to a byte limit; beyond it the answer is 413, without buffering the excess.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly tooLarge: true };

// Past this many extra bytes the rest is not even drained: the connection is dropped after the 413.
const DRAIN_LIMIT = 64 * 1024 * 1024;

/** Reads the whole body, or reports `tooLarge` once it passes `limit` bytes (by Content-Length or as read). */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const finish = () => resolve(tooLarge ? { ok: false, tooLarge: true } : { ok: true, body: Buffer.concat(chunks, size) });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      // Draining (not keeping) the rest lets the client finish sending and read the 413.
      if (tooLarge) {
        chunks.length = 0;
        if (size > limit + DRAIN_LIMIT) {
          req.pause();
          finish();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', finish);
    req.on('error', reject);
  });
}
