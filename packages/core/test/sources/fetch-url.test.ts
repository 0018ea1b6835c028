import { readFileSync } from 'node:fs';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchUrl, type FetchPolicy, type HostResolver, type ResolvedAddress, USER_AGENT } from '../../src/index.js';
import { type Handler, startServer, type TestServer, UNTRUSTED_TLS } from './test-server.js';
import { rejection } from '../fixtures.js';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler, tls?: Parameters<typeof startServer>[1]): Promise<TestServer> {
  const server = await startServer(handler, tls);
  servers.push(server);
  return server;
}

const page = (body: string, type = 'text/html; charset=utf-8'): Handler => (_request, response) => {
  response.writeHead(200, { 'content-type': type });
  response.end(body);
};

/** A resolver answering from `table`, recording every name it was asked. */
function resolver(table: Record<string, readonly ResolvedAddress[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    asked.push(hostname);
    const answer = table[hostname];
    if (answer === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(lookup, { asked });
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const ALLOW: FetchPolicy = { allowPrivate: true };

describe('fetchUrl: what it returns', () => {
  it('fetches a page from a local server when private addresses are allowed, with its type, status and final URL', async () => {
    const server = await serve(page('<h1>hello</h1>'));
    const result = await fetchUrl(`${server.origin}/doc?x=1#frag`, ALLOW);
    expect(text(result.bytes)).toBe('<h1>hello</h1>');
    expect(result).toMatchObject({ contentType: 'text/html; charset=utf-8', status: 200, finalUrl: `${server.origin}/doc?x=1`, redirects: 0 });
    expect(server.requests.map((request) => request.url)).toEqual(['/doc?x=1']);
  });

  it('sends the contextframe User-Agent, an Accept listing the extractable types and the encodings it decodes', async () => {
    const server = await serve(page('ok'));
    await fetchUrl(server.origin, ALLOW);
    const { headers } = server.requests[0]!;
    expect(headers['user-agent']).toBe(USER_AGENT);
    for (const type of ['text/html', 'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/json', 'text/csv', '*/*']) {
      expect(headers.accept).toContain(type);
    }
    expect(headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(headers.host).toBe(`127.0.0.1:${server.port}`);
  });

  it('names the package version in USER_AGENT', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(USER_AGENT).toBe(`contextframe/${version}`);
  });

  it('returns an undefined contentType when none is sent, and an empty body for 204', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/empty') {
        response.writeHead(204);
        response.end();
      } else {
        response.end('untyped');
      }
    });
    const untyped = await fetchUrl(`${server.origin}/plain`, ALLOW);
    expect(untyped.contentType).toBeUndefined();
    expect(text(untyped.bytes)).toBe('untyped');
    const empty = await fetchUrl(`${server.origin}/empty`, ALLOW);
    expect(empty).toMatchObject({ status: 204, bytes: new Uint8Array(0) });
  });

  it('decodes gzip, deflate and br bodies', async () => {
    const body = 'compressible text '.repeat(500);
    const encoders: Record<string, (input: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    const server = await serve((request, response) => {
      const coding = request.url!.slice(1);
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': coding });
      response.end(encoders[coding]!(Buffer.from(body)));
    });
    for (const coding of Object.keys(encoders)) expect(text((await fetchUrl(`${server.origin}/${coding}`, ALLOW)).bytes)).toBe(body);
  });

  it('fails with URL_FETCH_FAILED for a content-encoding it cannot decode', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'compress' });
      response.end('xx');
    });
    const error = await rejection(fetchUrl(server.origin, ALLOW));
    expect(error).toMatchObject({ code: 'URL_FETCH_FAILED', data: { content_encoding: 'compress' } });
  });

  it('ignores HTTP_PROXY and HTTPS_PROXY from the environment', async () => {
    const server = await serve(page('direct'));
    const saved = { http: process.env.HTTP_PROXY, https: process.env.HTTPS_PROXY, lower: process.env.http_proxy };
    // A proxy that does not exist: using it would fail.
    process.env.HTTP_PROXY = process.env.HTTPS_PROXY = process.env.http_proxy = 'http://127.0.0.1:9';
    try {
      expect(text((await fetchUrl(server.origin, ALLOW)).bytes)).toBe('direct');
    } finally {
      for (const [key, value] of [['HTTP_PROXY', saved.http], ['HTTPS_PROXY', saved.https], ['http_proxy', saved.lower]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('fetchUrl: refused addresses', () => {
  it('refuses the same local URL when private addresses are not allowed, without connecting', async () => {
    const server = await serve(page('never served'));
    for (const policy of [{}, { allowPrivate: false }] satisfies FetchPolicy[]) {
      const error = await rejection(fetchUrl(`${server.origin}/doc`, policy));
      expect(error.code).toBe('URL_NOT_ALLOWED');
      expect(error.message).toContain('127.0.0.1');
      expect(error.message).toContain('loopback');
      expect(error.message).toContain('--allow-private-urls');
      expect(error.data).toMatchObject({ address: '127.0.0.1', kind: 'loopback', range: '127.0.0.0/8' });
    }
    expect(server.requests).toHaveLength(0);
    // And the very same URL is served once allowed.
    expect(text((await fetchUrl(`${server.origin}/doc`, ALLOW)).bytes)).toBe('never served');
  });

  it('judges decimal, hex, octal and short IPv4 forms and IPv6 literals as the address they mean', async () => {
    const server = await serve(page('numeric'));
    const forms = [`http://2130706433:${server.port}/`, `http://0x7f.1:${server.port}/`, `http://0177.0.0.1:${server.port}/`, `http://127.1:${server.port}/`, `http://[::ffff:127.0.0.1]:${server.port}/`];
    for (const url of forms) {
      const error = await rejection(fetchUrl(url));
      expect(error.code).toBe('URL_NOT_ALLOWED');
      expect(error.data).toMatchObject({ kind: 'loopback', range: '127.0.0.0/8' });
    }
    expect(server.requests).toHaveLength(0);
    for (const url of forms) expect(text((await fetchUrl(url, ALLOW)).bytes)).toBe('numeric');
    expect(server.requests).toHaveLength(forms.length);
  });

  it('refuses loopback, private, link-local, CGNAT and metadata literals, naming the kind', async () => {
    const cases: [string, string][] = [
      ['http://[::1]/', 'loopback'],
      ['http://10.0.0.1/', 'private'],
      ['http://192.168.1.1:8080/', 'private'],
      ['http://100.64.1.1/', 'cgnat'],
      ['http://169.254.169.254/latest/meta-data/', 'metadata'],
      ['http://[fd00:ec2::254]/', 'metadata'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ];
    for (const [url, kind] of cases) {
      const error = await rejection(fetchUrl(url, { timeoutMs: 2_000 }));
      expect(error.code).toBe('URL_NOT_ALLOWED');
      expect(error.data).toMatchObject({ kind });
      expect(error.message).toContain(`a ${kind} address`);
    }
  });

  it('resolves localhost through DNS and refuses it', async () => {
    const error = await rejection(fetchUrl('http://localhost:9/'));
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(error.data).toMatchObject({ hostname: 'localhost', kind: 'loopback' });
  });

  it('connects to the checked address only, keeping the host name for Host (resolver injected)', async () => {
    const server = await serve(page('pinned'));
    const lookup = resolver({ 'docs.example': [{ address: '127.0.0.1', family: 4 }] });
    // docs.example exists in no DNS: the fetch can only succeed by connecting to the address checked here.
    const result = await fetchUrl(`http://docs.example:${server.port}/guide`, { lookup, allowAddresses: ['127.0.0.1'] });
    expect(text(result.bytes)).toBe('pinned');
    expect(result.finalUrl).toBe(`http://docs.example:${server.port}/guide`);
    expect(lookup.asked).toEqual(['docs.example']);
    expect(server.requests[0]!.headers.host).toBe(`docs.example:${server.port}`);
  });

  it('tries each checked address in turn when the first does not connect (resolver injected)', async () => {
    const server = await serve(page('second address'));
    // Nothing listens on 127.0.0.3 at this port, so the connection falls back to the next checked address.
    const lookup = resolver({ 'multi.example': [{ address: '127.0.0.3', family: 4 }, { address: '127.0.0.1', family: 4 }] });
    const result = await fetchUrl(`http://multi.example:${server.port}/`, { lookup, allowPrivate: true });
    expect(text(result.bytes)).toBe('second address');
    expect(lookup.asked).toEqual(['multi.example']);
  });

  it('refuses a host when any one of its addresses is refused (resolver injected)', async () => {
    const server = await serve(page('never served'));
    const lookup = resolver({ 'mixed.example': [{ address: '127.0.0.1', family: 4 }, { address: '10.9.8.7', family: 4 }] });
    const error = await rejection(fetchUrl(`http://mixed.example:${server.port}/`, { lookup, allowAddresses: ['127.0.0.1/32'] }));
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(error.message).toContain('resolves to 10.9.8.7');
    expect(error.data).toMatchObject({ hostname: 'mixed.example', address: '10.9.8.7', kind: 'private' });
    expect(server.requests).toHaveLength(0);
  });

  it('judges an IPv4-mapped answer by its IPv4 address, for refusal and for allowAddresses (resolver injected)', async () => {
    const server = await serve(page('mapped'));
    const lookup = resolver({ 'mapped.example': [{ address: '::ffff:127.0.0.1', family: 6 }] });
    const error = await rejection(fetchUrl(`http://mapped.example:${server.port}/`, { lookup }));
    expect(error.data).toMatchObject({ kind: 'loopback', via: 'IPv4-mapped IPv6', embedded: '127.0.0.1' });
    expect(text((await fetchUrl(`http://mapped.example:${server.port}/`, { lookup, allowAddresses: ['127.0.0.0/8'] })).bytes)).toBe('mapped');
  });

  it('refuses a redirect to a refused address even when the first hop was allowed (resolver injected)', async () => {
    const targets: Record<string, string> = {
      '/to-internal': 'http://internal.example/admin',
      '/to-loopback': 'http://127.0.0.2/',
      '/to-metadata': 'http://169.254.169.254/latest/meta-data/',
      '/to-decimal': 'http://2130706434/',
    };
    const server = await serve((request, response) => {
      response.writeHead(302, { location: targets[request.url!]! });
      response.end();
    });
    const lookup = resolver({ 'internal.example': [{ address: '10.1.2.3', family: 4 }] });
    const policy: FetchPolicy = { lookup, allowAddresses: ['127.0.0.1'] };
    const internal = await rejection(fetchUrl(`${server.origin}/to-internal`, policy));
    expect(internal).toMatchObject({ code: 'URL_NOT_ALLOWED', data: { url: 'http://internal.example/admin', address: '10.1.2.3', kind: 'private' } });
    expect(lookup.asked).toEqual(['internal.example']);
    expect((await rejection(fetchUrl(`${server.origin}/to-loopback`, policy))).data).toMatchObject({ address: '127.0.0.2', kind: 'loopback' });
    expect((await rejection(fetchUrl(`${server.origin}/to-metadata`, policy))).data).toMatchObject({ kind: 'metadata' });
    expect((await rejection(fetchUrl(`${server.origin}/to-decimal`, policy))).data).toMatchObject({ address: '127.0.0.2' });
    // Only the first hops reached the server.
    expect(server.requests.map((request) => request.url)).toEqual(['/to-internal', '/to-loopback', '/to-metadata', '/to-decimal']);
  });

  it('reports a host that does not resolve as URL_FETCH_FAILED (resolver injected)', async () => {
    const error = await rejection(fetchUrl('http://nowhere.example/', { lookup: resolver({}) }));
    expect(error).toMatchObject({ code: 'URL_FETCH_FAILED', data: { hostname: 'nowhere.example', cause_code: 'ENOTFOUND' }, retryable: false });
  });
});

describe('fetchUrl: schemes and redirects', () => {
  it('refuses file:, ftp: and data: URLs with URL_NOT_ALLOWED', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x', 'data:text/plain,hello']) {
      expect((await rejection(fetchUrl(url, ALLOW))).code).toBe('URL_NOT_ALLOWED');
    }
  });

  it('refuses URLs with credentials even when private addresses are allowed', async () => {
    const server = await serve(page('x'));
    const error = await rejection(fetchUrl(`http://user:pw-secret@127.0.0.1:${server.port}/`, ALLOW));
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(error.message).not.toContain('pw-secret');
    expect(server.requests).toHaveLength(0);
  });

  it('follows 301, 302, 303, 307 and 308 redirects, relative or absolute, and counts them', async () => {
    const server = await serve((request, response) => {
      const step = Number(request.url!.split('/')[2]);
      const codes = [301, 302, 303, 307, 308];
      if (step < codes.length) {
        const next = step % 2 === 0 ? `/hop/${step + 1}` : `http://127.0.0.1:${(request.socket.localPort ?? 0).toString()}/hop/${step + 1}`;
        response.writeHead(codes[step]!, { location: next });
        response.end('moved');
      } else {
        page('arrived', 'text/plain')(request, response);
      }
    });
    const result = await fetchUrl(`${server.origin}/hop/0`, ALLOW);
    expect(result).toMatchObject({ status: 200, redirects: 5, finalUrl: `${server.origin}/hop/5` });
    expect(text(result.bytes)).toBe('arrived');
    expect(server.requests.map((request) => request.url)).toEqual(['/hop/0', '/hop/1', '/hop/2', '/hop/3', '/hop/4', '/hop/5']);
  });

  it('fails with URL_TOO_MANY_REDIRECTS past maxRedirects, after following exactly that many', async () => {
    const server = await serve((request, response) => {
      const n = Number(request.url!.slice(3));
      response.writeHead(302, { location: `/r/${n + 1}` });
      response.end();
    });
    const error = await rejection(fetchUrl(`${server.origin}/r/0`, { ...ALLOW, maxRedirects: 2 }));
    expect(error.code).toBe('URL_TOO_MANY_REDIRECTS');
    expect(error.message).toContain('more than 2 times');
    expect(error.data).toMatchObject({ max_redirects: 2, location: '/r/3' });
    expect(server.requests.map((request) => request.url)).toEqual(['/r/0', '/r/1', '/r/2']);
  });

  it('follows at most 5 redirects by default and none with maxRedirects 0', async () => {
    const server = await serve((request, response) => {
      const n = Number(request.url!.slice(3));
      if (n === 0) return page('end')(request, response);
      response.writeHead(302, { location: `/r/${n - 1}` });
      response.end();
    });
    expect((await fetchUrl(`${server.origin}/r/5`, ALLOW)).redirects).toBe(5);
    expect((await rejection(fetchUrl(`${server.origin}/r/6`, ALLOW))).code).toBe('URL_TOO_MANY_REDIRECTS');
    expect((await rejection(fetchUrl(`${server.origin}/r/1`, { ...ALLOW, maxRedirects: 0 }))).code).toBe('URL_TOO_MANY_REDIRECTS');
  });

  it('refuses a redirect to another scheme', async () => {
    const server = await serve((request, response) => {
      response.writeHead(301, { location: request.url === '/file' ? 'file:///etc/passwd' : 'ftp://127.0.0.1/x' });
      response.end();
    });
    for (const path of ['/file', '/ftp']) {
      const error = await rejection(fetchUrl(`${server.origin}${path}`, ALLOW));
      expect(error).toMatchObject({ code: 'URL_NOT_ALLOWED', data: { reason: 'scheme' } });
    }
  });
});

describe('fetchUrl: failures, limits and cancellation', () => {
  it('reports a non-2xx answer as URL_FETCH_FAILED with its status; 5xx and 429 are retryable', async () => {
    const server = await serve((request, response) => {
      response.writeHead(Number(request.url!.slice(1)));
      response.end('error page');
    });
    for (const [status, retryable] of [[404, false], [403, false], [300, false], [429, true], [503, true]] as const) {
      const error = await rejection(fetchUrl(`${server.origin}/${status}`, ALLOW));
      expect(error).toMatchObject({ code: 'URL_FETCH_FAILED', data: { status }, retryable });
      expect(error.message).toContain(`HTTP ${status}`);
    }
  });

  it('reports a refused connection as URL_FETCH_FAILED with the cause', async () => {
    const closed = await startServer(page('x'));
    await closed.close();
    const error = await rejection(fetchUrl(`${closed.origin}/`, ALLOW));
    expect(error).toMatchObject({ code: 'URL_FETCH_FAILED', data: { cause_code: 'ECONNREFUSED' }, retryable: true });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('keeps the host name for TLS (SNI) when pinned, and fails on an untrusted certificate (resolver injected)', async () => {
    const names: string[] = [];
    const server = await serve(page('never served'), {
      ...UNTRUSTED_TLS,
      SNICallback: (name, callback) => {
        names.push(name);
        callback(null);
      },
    });
    const lookup = resolver({ 'docs.example': [{ address: '127.0.0.1', family: 4 }] });
    const error = await rejection(fetchUrl(`https://docs.example:${server.port}/`, { lookup, allowAddresses: ['127.0.0.1'] }));
    expect(error.code).toBe('URL_FETCH_FAILED');
    expect(error.message).toMatch(/certificate/i);
    expect(names).toEqual(['docs.example']);
    expect(server.requests).toHaveLength(0);
  });

  it('times out with URL_TIMEOUT when the server never answers, and closes the connection', async () => {
    const server = await serve(() => {});
    const error = await rejection(fetchUrl(server.origin, { ...ALLOW, timeoutMs: 300 }));
    expect(error).toMatchObject({ code: 'URL_TIMEOUT', retryable: true, data: { timeout_ms: 300 } });
    expect(error.message).toContain('300 ms');
    await server.requests[0]!.closed;
  });

  it('times out with URL_TIMEOUT when the body trickles past the deadline', async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 20);
      timers.push(timer);
      response.once('close', () => clearInterval(timer));
    });
    try {
      const error = await rejection(fetchUrl(server.origin, { ...ALLOW, timeoutMs: 300 }));
      expect(error.code).toBe('URL_TIMEOUT');
      await server.requests[0]!.closed;
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it('fails early with TOO_LARGE when Content-Length is over maxBytes, before any body arrives', async () => {
    // Headers only: the body never comes, so only the declared length can end this before the timeout.
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '10000000' });
      response.flushHeaders();
    });
    const error = await rejection(fetchUrl(server.origin, { ...ALLOW, maxBytes: 1_000, timeoutMs: 60_000 }));
    expect(error).toMatchObject({ code: 'TOO_LARGE', data: { max_bytes: 1_000 } });
    expect(error.message).toContain('1000 bytes');
    expect(error.message).toContain('Content-Length');
    await server.requests[0]!.closed;
  });

  it('fails with TOO_LARGE once a chunked body passes maxBytes, and takes a body exactly at it', async () => {
    const server = await serve((request, response) => {
      const chunks = Number(request.url!.slice(1));
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < chunks; i++) response.write(Buffer.alloc(1_000, i));
      response.end();
    });
    const error = await rejection(fetchUrl(`${server.origin}/10`, { ...ALLOW, maxBytes: 5_000 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('went past it');
    const exact = await fetchUrl(`${server.origin}/5`, { ...ALLOW, maxBytes: 5_000 });
    expect(exact.bytes.byteLength).toBe(5_000);
    expect(exact.bytes[4_999]).toBe(4);
  });

  it('counts decompressed bytes against maxBytes, so a small gzip bomb is refused', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.byteLength) });
      response.end(bomb);
    });
    const error = await rejection(fetchUrl(server.origin, { ...ALLOW, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('1 MiB');
    expect(error.message).toContain('decoded');
  });

  it('stops with CANCELLED when the signal fires mid-body, and closes the connection', async () => {
    const controller = new AbortController();
    const reason = new Error('user stopped');
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // The first part of the body goes out, then the caller cancels; the rest never comes.
      response.write('first part', () => setTimeout(() => controller.abort(reason), 50));
    });
    const error = await rejection(fetchUrl(server.origin, ALLOW, controller.signal));
    expect(error.code).toBe('CANCELLED');
    expect(error.cause).toBe(reason);
    await server.requests[0]!.closed;
  });

  it('stops with CANCELLED before connecting when the signal has already fired', async () => {
    const server = await serve(page('x'));
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(fetchUrl(server.origin, ALLOW, controller.signal))).code).toBe('CANCELLED');
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a bad policy with INVALID_INPUT naming each field', async () => {
    const error = await rejection(
      fetchUrl('http://example.com/', { timeoutMs: 0, maxRedirects: -1, allowAddresses: ['not-an-ip', '10.0.0.0/33'] }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    for (const field of ['timeoutMs', 'maxRedirects', 'allowAddresses[0]', 'allowAddresses[1]']) expect(error.message).toContain(field);
    const unknown = await rejection(fetchUrl('http://example.com/', { allowPrivateUrls: true } as FetchPolicy));
    expect(unknown.code).toBe('INVALID_INPUT');
  });
});
