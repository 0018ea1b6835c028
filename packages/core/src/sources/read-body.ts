// A response body read under a byte cap that counts decompressed bytes, so a small gzip bomb is as capped
// as a large plain body.
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { CoreError } from '../errors/core-error.js';
import { formatBytes } from './source-limits.js';

/** The codings sent in Accept-Encoding; each is decoded, and its decoded bytes count against the cap. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

function decoderFor(coding: string, url: string): NodeJS.ReadWriteStream {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new CoreError(
        'URL_FETCH_FAILED',
        `${url} answered with content-encoding "${coding}", which cannot be decoded (only gzip, deflate and br).`,
        { data: { url, content_encoding: coding } },
      );
  }
}

/** The TOO_LARGE error for a body over `maxBytes`. */
export function bodyTooLarge(url: string, maxBytes: number, seen: string): CoreError {
  return new CoreError(
    'TOO_LARGE',
    `${url} is larger than the ${formatBytes(maxBytes)} limit (${seen}); nothing was kept. Fetch a smaller resource or raise max_bytes.`,
    { data: { url, max_bytes: maxBytes } },
  );
}

/**
 * Reads `response` to the end, decoding its Content-Encoding, and returns the bytes. Fails early with TOO_LARGE
 * when an unencoded body's Content-Length is over `maxBytes`, and otherwise as soon as the decoded bytes pass
 * it. Stream errors (a reset, corrupt gzip) propagate as they are; the caller names them.
 */
export async function readBody(response: IncomingMessage, url: string, maxBytes: number): Promise<Uint8Array> {
  const codings = (response.headers['content-encoding'] ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  const declared = Number(response.headers['content-length']);
  if (codings.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw bodyTooLarge(url, maxBytes, `Content-Length says ${declared} bytes`);
  }
  let body: Readable = response;
  if (codings.length > 0) {
    let decoders: NodeJS.ReadWriteStream[];
    try {
      // Codings are listed in the order they were applied, so they are undone last first.
      decoders = codings.reverse().map((coding) => decoderFor(coding, url));
    } catch (error) {
      response.destroy();
      throw error;
    }
    // The error surfaces through the last stream, which the loop below reads.
    body = pipeline([response, ...decoders], () => {}) as unknown as Readable;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw bodyTooLarge(url, maxBytes, codings.length === 0 ? 'the body went past it' : 'the decoded body went past it');
      chunks.push(chunk);
    }
  } finally {
    // Leaving early (cap, error, abort) closes the connection rather than draining what is left.
    if (!response.complete || total > maxBytes) response.destroy();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
