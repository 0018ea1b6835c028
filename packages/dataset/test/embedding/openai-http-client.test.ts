import { constants as bufferConstants } from 'node:buffer';
import { inspect } from 'node:util';
import { gzipSync } from 'node:zlib';
import { until } from '@contextframe/test-support';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAIHttpClient, openAIHttpOptionsShape } from '../../src/index.js';
import type { OpenAIHttpClientOptions, OpenAIHttpHints, OpenAIHttpOutcome } from '../../src/index.js';
import { startFakeServer } from './fake-openai-server.js';

// Distinct hints, so each test can tell which one the client picked.
const HINTS: OpenAIHttpHints = {
  timeout: 'HINT-TIMEOUT.',
  rateLimited: 'HINT-RATE-LIMITED.',
  serverFailing: 'HINT-SERVER-FAILING.',
  tooLarge: 'HINT-TOO-LARGE.',
  responseTooLarge: 'HINT-RESPONSE-TOO-LARGE.',
  rejected: 'HINT-REJECTED.',
};

// The fake server reads `input` as the texts of an embeddings request.
const BODY = { model: 'test-model', input: ['a', 'b'] };

function client(baseUrl: string, options: Partial<OpenAIHttpClientOptions> = {}): OpenAIHttpClient {
  return new OpenAIHttpClient({
    baseUrl,
    path: '/embeddings',
    timeoutMs: 5_000,
    maxRetries: 3,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    maxResponseBytes: 1_048_576,
    hints: HINTS,
    ...options,
  });
}

function expectKind<K extends OpenAIHttpOutcome['kind']>(outcome: OpenAIHttpOutcome, kind: K): Extract<OpenAIHttpOutcome, { kind: K }> {
  expect(outcome.kind).toBe(kind);
  return outcome as Extract<OpenAIHttpOutcome, { kind: K }>;
}

describe('OpenAIHttpClient requests', () => {
  it('POSTs the body as JSON to {baseUrl}{path} and returns the status, the parsed body and its text', async () => {
    const server = await startFakeServer(() => ({ status: 201, body: { data: [1, 2] } }));
    const http = client(`${server.baseUrl}//`);
    const outcome = expectKind(await http.post(BODY), 'ok');
    expect(outcome).toEqual({ kind: 'ok', status: 201, json: { data: [1, 2] }, text: '{"data":[1,2]}' });
    expect(http.url).toBe(`${server.baseUrl}/embeddings`);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/embeddings');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual(BODY);
  });

  it('sends Authorization: Bearer with a key, and keeps the key out of inspect and JSON', async () => {
    const server = await startFakeServer(() => ({ body: {} }));
    const http = client(server.baseUrl, { apiKey: 'sk-http-secret' });
    expectKind(await http.post(BODY), 'ok');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-http-secret');
    expect(`${inspect(http, { depth: 5 })} ${JSON.stringify(http)}`).not.toContain('sk-http-secret');
  });

  it('sends the same body on every attempt', async () => {
    const server = await startFakeServer((request) => (request.number < 3 ? { status: 502, body: 'bad gateway' } : { body: { ok: true } }));
    const outcome = expectKind(await client(server.baseUrl).post(BODY), 'ok');
    expect(outcome.json).toEqual({ ok: true });
    expect(server.requests.map((r) => r.body)).toEqual([BODY, BODY, BODY]);
  });

  it('returns not-json with the raw text for a 2xx body that is not JSON, and does not retry it', async () => {
    const server = await startFakeServer(() => ({ body: 'not json <html>' }));
    const outcome = expectKind(await client(server.baseUrl).post(BODY), 'not-json');
    expect(outcome).toEqual({ kind: 'not-json', status: 200, text: 'not json <html>' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('OpenAIHttpClient Retry-After', () => {
  // Both waits would outlast the test's time limit unless Retry-After is read as a date and then capped: the
  // backoff alone is 5 to 10 minutes here.
  it.each([
    ['retries at once after a 503 whose Retry-After HTTP date is past, instead of backing off', 503, -60_000, 600_000],
    ['caps the wait for a 429 whose Retry-After HTTP date is an hour ahead at retryMaxDelayMs', 429, 3_600_000, 5],
  ])('%s', async (_name, status, offsetMs, retryMaxDelayMs) => {
    const retryAfter = new Date(Date.now() + offsetMs).toUTCString();
    const server = await startFakeServer((request) =>
      request.number === 1 ? { status, headers: { 'retry-after': retryAfter }, body: 'wait' } : { body: { ok: true } },
    );
    const outcome = await client(server.baseUrl, { retryBaseDelayMs: 600_000, retryMaxDelayMs }).post(BODY);
    expect(expectKind(outcome, 'ok').json).toEqual({ ok: true });
    expect(server.requests.map((r) => r.body)).toEqual([BODY, BODY]);
  });

  it('falls back to the backoff when Retry-After cannot be read', async () => {
    const server = await startFakeServer((request) =>
      request.number === 1 ? { status: 503, headers: { 'retry-after': 'soon' }, body: 'busy' } : { body: { ok: true } },
    );
    expectKind(await client(server.baseUrl).post(BODY), 'ok');
    expect(server.requests).toHaveLength(2);
  });
});

describe('OpenAIHttpClient cancellation', () => {
  it('stops waiting to retry when the signal fires during the wait, and sends nothing more', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const server = await startFakeServer(() => ({ status: 503, headers: { 'retry-after': '600' }, body: 'busy' }));
    const posted = client(server.baseUrl, { retryMaxDelayMs: 600_000 }).post(BODY, controller.signal);
    // Abort only once the 503 has been answered in full, so the client is waiting out the 600 s Retry-After.
    expect(await until(() => server.requests.length === 1)).toBe(true);
    expect(await server.requests[0]!.dropped).toBe(false);
    setTimeout(() => controller.abort(reason), 50);
    const outcome = expectKind(await posted, 'aborted');
    expect(outcome.signal).toBe(controller.signal);
    expect(outcome.signal.reason).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it('returns aborted without a request when the signal has already fired', async () => {
    const server = await startFakeServer(() => ({ body: {} }));
    const outcome = expectKind(await client(server.baseUrl).post(BODY, AbortSignal.abort()), 'aborted');
    expect(outcome.signal.aborted).toBe(true);
    expect(server.requests).toHaveLength(0);
  });
});

describe('OpenAIHttpClient failures', () => {
  it("names the last attempt's failure and gives the caller's hint for it", async () => {
    const server = await startFakeServer((request) =>
      request.number === 1 ? { status: 429, body: 'slow down' } : { status: 503, body: { error: 'overloaded' } },
    );
    const outcome = expectKind(await client(server.baseUrl, { maxRetries: 1 }).post(BODY), 'exhausted');
    expect(outcome).toEqual({
      kind: 'exhausted',
      message: 'failed after 2 attempts: HTTP 503: {"error":"overloaded"}. HINT-SERVER-FAILING.',
      attempts: 2,
      status: 503,
      cause: undefined,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('gives the rate-limit hint when a 429 was the last answer, and the timeout hint after a timeout', async () => {
    const limited = await startFakeServer(() => ({ status: 429, body: '' }));
    const rateLimited = expectKind(await client(limited.baseUrl, { maxRetries: 0 }).post(BODY), 'exhausted');
    expect(rateLimited.message).toBe('failed after 1 attempt: HTTP 429. HINT-RATE-LIMITED.');
    const silent = await startFakeServer(() => 'hang');
    // Long enough for a loaded machine to deliver the request before the client gives up on the answer.
    const timedOut = expectKind(await client(silent.baseUrl, { maxRetries: 0, timeoutMs: 500 }).post(BODY), 'exhausted');
    expect(timedOut).toMatchObject({ message: 'failed after 1 attempt: no complete response within 500 ms. HINT-TIMEOUT.', status: undefined });
    expect(await silent.requests[0]!.dropped).toBe(true);
  });

  it.each([
    [401, 'Check apiKey.'],
    [403, 'Check apiKey.'],
    [404, 'Check baseUrl (it should end in the API version, e.g. /v1) and model.'],
    [413, 'HINT-TOO-LARGE.'],
    [422, 'HINT-REJECTED.'],
  ])('rejects HTTP %i at once with the hint "%s"', async (status, hint) => {
    const server = await startFakeServer(() => ({ status, body: 'nope' }));
    const outcome = expectKind(await client(server.baseUrl).post(BODY), 'rejected');
    expect(outcome).toEqual({ kind: 'rejected', message: `failed with HTTP ${status}: nope. ${hint}`, status });
    expect(server.requests).toHaveLength(1);
  });

  it('redacts the API key wherever the server echoes it', async () => {
    const server = await startFakeServer(() => ({ status: 500, body: 'bad key sk-echoed\n\tfor model' }));
    const http = client(server.baseUrl, { apiKey: 'sk-echoed', maxRetries: 0 });
    const outcome = expectKind(await http.post(BODY), 'exhausted');
    expect(outcome.message).toBe('failed after 1 attempt: HTTP 500: bad key [redacted] for model. HINT-SERVER-FAILING.');
    expect(http.redact('refused: sk-echoed, sk-echoed')).toBe('refused: [redacted], [redacted]');
    expect(http.excerpt(`  ${'y'.repeat(400)}sk-echoed `)).toBe(`: ${'y'.repeat(300)}...`);
    expect(http.excerpt(' \n ')).toBe('');
    // Without a key nothing is replaced.
    expect(client(server.baseUrl).redact('sk-echoed')).toBe('sk-echoed');
  });
});

// A JSON body of exactly `bytes` bytes whose padding is mostly 'é' (2 bytes, 1 character), so a cap counted in
// characters instead of bytes would let it through.
function jsonOfBytes(bytes: number): { buffer: Buffer; pad: string } {
  const frame = '{"pad":""}';
  const room = bytes - frame.length;
  const pad = 'é'.repeat(Math.floor(room / 2)) + 'a'.repeat(room % 2);
  const buffer = Buffer.from(`{"pad":"${pad}"}`, 'utf8');
  expect(buffer.byteLength).toBe(bytes);
  return { buffer, pad };
}

// Slices of 7 bytes: most cut an 'é' in two, which the decoder must join back together.
function slices(buffer: Buffer, size = 7): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < buffer.byteLength; at += size) parts.push(buffer.subarray(at, at + size));
  return parts;
}

function* endless(chunk: string): Generator<string> {
  for (;;) yield chunk;
}

describe('OpenAIHttpClient response size cap', () => {
  const CAP = 4_096;
  const LIMIT = `maxResponseBytes (${CAP} bytes = 4 KiB)`;
  const sent = {
    'with Content-Length': (buffer: Buffer) => ({ headers: { 'content-length': String(buffer.byteLength) }, chunks: [buffer] }),
    'chunked, in 7-byte writes': (buffer: Buffer) => ({ chunks: slices(buffer) }),
  };

  it.each(Object.entries(sent))('accepts a body of exactly maxResponseBytes bytes sent %s, decoding it intact', async (_how, reply) => {
    const { buffer, pad } = jsonOfBytes(CAP);
    const server = await startFakeServer(() => reply(buffer));
    const outcome = expectKind(await client(server.baseUrl, { maxResponseBytes: CAP }).post(BODY), 'ok');
    expect(outcome.json).toEqual({ pad });
    expect(outcome.text).toBe(buffer.toString('utf8'));
    expect(server.requests).toHaveLength(1);
  });

  it('fails with too-large before reading, and without a retry, when Content-Length is one byte over the cap', async () => {
    // The server sends the head and then nothing: had the client waited for the body it would have timed out.
    const server = await startFakeServer(() => ({ headers: { 'content-length': String(CAP + 1) }, chunks: [], end: false }));
    const outcome = expectKind(await client(server.baseUrl, { maxResponseBytes: CAP, timeoutMs: 20_000 }).post(BODY), 'too-large');
    expect(outcome).toEqual({
      kind: 'too-large',
      message: `failed: the HTTP 200 response declares ${CAP + 1} bytes (Content-Length), more than ${LIMIT}; none of it was read. HINT-RESPONSE-TOO-LARGE.`,
      status: 200,
      maxResponseBytes: CAP,
    });
    expect(server.requests).toHaveLength(1);
    expect(await server.requests[0]!.dropped).toBe(true);
  });

  it('fails with too-large, without a retry, when a chunked body is one byte over the cap in bytes though not in characters', async () => {
    const { buffer, pad } = jsonOfBytes(CAP + 1);
    expect(`{"pad":"${pad}"}`.length).toBeLessThan(CAP);
    const server = await startFakeServer(() => ({ chunks: slices(buffer) }));
    const outcome = expectKind(await client(server.baseUrl, { maxResponseBytes: CAP }).post(BODY), 'too-large');
    expect(outcome.message).toBe(
      `failed: the HTTP 200 response ran past ${LIMIT}; reading stopped at ${CAP + 1} bytes and the request was cancelled. HINT-RESPONSE-TOO-LARGE.`,
    );
    expect(outcome).toMatchObject({ status: 200, maxResponseBytes: CAP });
    expect(server.requests).toHaveLength(1);
  });

  it('cancels a body that never ends once it passes the cap, and the server sees the connection closed', async () => {
    const server = await startFakeServer(() => ({ status: 503, chunks: endless('<html>'.repeat(170)) }));
    const outcome = expectKind(await client(server.baseUrl, { maxResponseBytes: CAP }).post(BODY), 'too-large');
    // A 503 is normally retried; an oversized answer is not, whatever its status.
    expect(outcome.status).toBe(503);
    expect(outcome.message).toMatch(new RegExp(`^failed: the HTTP 503 response ran past maxResponseBytes \\(${CAP} bytes = 4 KiB\\); reading stopped at \\d+ bytes and the request was cancelled\\. HINT-RESPONSE-TOO-LARGE\\.$`));
    const stoppedAt = Number(/stopped at (\d+) bytes/.exec(outcome.message)?.[1]);
    expect(stoppedAt).toBeGreaterThan(CAP);
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('counts the decompressed bytes, so a small gzip body that inflates past the cap fails', async () => {
    const inflated = Buffer.from(JSON.stringify({ pad: 'a'.repeat(CAP * 4) }));
    const compressed = gzipSync(inflated);
    expect(compressed.byteLength).toBeLessThan(CAP);
    const server = await startFakeServer(() => ({
      headers: { 'content-encoding': 'gzip', 'content-length': String(compressed.byteLength) },
      chunks: [compressed],
    }));
    const outcome = expectKind(await client(server.baseUrl, { maxResponseBytes: CAP }).post(BODY), 'too-large');
    expect(outcome.message).toContain(`ran past ${LIMIT}`);
    expect(server.requests).toHaveLength(1);
  });

  it('still accepts a gzip body whose decompressed size is within the cap', async () => {
    const { buffer, pad } = jsonOfBytes(CAP);
    const compressed = gzipSync(buffer);
    const server = await startFakeServer(() => ({ headers: { 'content-encoding': 'gzip' }, chunks: [compressed] }));
    expect(expectKind(await client(server.baseUrl, { maxResponseBytes: CAP }).post(BODY), 'ok').json).toEqual({ pad });
  });

  it('times out an attempt whose body stops arriving after the head, and retries it', async () => {
    const server = await startFakeServer(() => ({ chunks: ['{"data": ['], end: false }));
    const outcome = expectKind(await client(server.baseUrl, { timeoutMs: 500, maxRetries: 1 }).post(BODY), 'exhausted');
    expect(outcome.message).toBe('failed after 2 attempts: no complete response within 500 ms. HINT-TIMEOUT.');
    expect(server.requests).toHaveLength(2);
    expect(await Promise.all(server.requests.map((r) => r.dropped))).toEqual([true, true]);
  });

  it('returns aborted when the signal fires while the body is arriving', async () => {
    const controller = new AbortController();
    const server = await startFakeServer(() => ({ chunks: ['{"data": ['], end: false }));
    const posted = client(server.baseUrl).post(BODY, controller.signal);
    expect(await until(() => server.requests.length === 1)).toBe(true);
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(expectKind(await posted, 'aborted').signal).toBe(controller.signal);
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describe('openAIHttpOptionsShape', () => {
  const schema = z.strictObject(openAIHttpOptionsShape({ maxConcurrency: 8, timeoutMs: 1_234, retryBaseDelayMs: 56, maxResponseBytes: 78_910 }));

  it("fills in the shared defaults and the client's own", () => {
    expect(schema.parse({ baseUrl: 'http://localhost:11434/v1' })).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      concurrency: 4,
      timeoutMs: 1_234,
      maxRetries: 3,
      retryBaseDelayMs: 56,
      retryMaxDelayMs: 30_000,
      maxResponseBytes: 78_910,
    });
  });

  it('accepts maxResponseBytes from 1 KiB up to the longest string Node can hold', () => {
    for (const maxResponseBytes of [1024, bufferConstants.MAX_STRING_LENGTH]) {
      expect(schema.parse({ baseUrl: 'http://localhost:11434/v1', maxResponseBytes }).maxResponseBytes).toBe(maxResponseBytes);
    }
  });

  it.each([
    ['baseUrl', 'must be an http(s) URL such as http://localhost:11434/v1', { baseUrl: 'ftp://example.com/v1' }],
    ['baseUrl', 'must not contain credentials; pass apiKey instead', { baseUrl: 'https://user:pw@example.com/v1' }],
    ['concurrency', 'Too big', { concurrency: 9 }],
    ['maxRetries', 'Too big', { maxRetries: 11 }],
    ['timeoutMs', 'Too small', { timeoutMs: 0 }],
    ['maxResponseBytes', 'must be at least 1024 (1 KiB)', { maxResponseBytes: 1023 }],
    ['maxResponseBytes', 'expected int', { maxResponseBytes: 2048.5 }],
    ['maxResponseBytes', 'the longest string Node can hold', { maxResponseBytes: bufferConstants.MAX_STRING_LENGTH + 1 }],
  ])('rejects a bad %s: %s', (field, message, bad) => {
    const result = schema.safeParse({ baseUrl: 'http://localhost:11434/v1', ...bad });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});
