// Real local servers for fetch tests: HTTP (or HTTPS with a self-signed certificate) on 127.0.0.1, port 0.
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** One request a test server received. */
export interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Resolves when the server side of the exchange closes (finished, or torn down by the client). */
  readonly closed: Promise<void>;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` (or https), without a trailing slash. */
  readonly origin: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Starts a server on 127.0.0.1 port 0 answering with `handler`; `tls` makes it HTTPS. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string; SNICallback?: (name: string, cb: (error: Error | null) => void) => void }): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    requests.push({ url: request.url ?? '', headers: request.headers, closed });
    handler(request, response);
  };
  const server: Server =
    tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ key: tls.key, cert: tls.cert, ...(tls.SNICallback === undefined ? {} : { SNICallback: tls.SNICallback }) }, listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Test-only, self-signed, valid 2020-2125 for docs.example, localhost and 127.0.0.1; trusted by nothing.
export const UNTRUSTED_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguu6pwlw60LQEsyiU
1jrfgvvi2jSWVEdwOut3FWU4096hRANCAAQypEqb0Sukbe1rGdqTJb956EMjBffe
HdxQty4tBt29fO/coJbk3xR82TWfir2yGt36J0F8Lq9CktENFRuftbgI
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBnTCCAUOgAwIBAgIBATAKBggqhkjOPQQDAjAoMSYwJAYDVQQDDB1jb250ZXh0
ZnJhbWUgdGVzdCAodW50cnVzdGVkKTAgFw0yMDAxMDEwMDAwMDBaGA8yMTI1MDEw
MTAwMDAwMFowKDEmMCQGA1UEAwwdY29udGV4dGZyYW1lIHRlc3QgKHVudHJ1c3Rl
ZCkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQypEqb0Sukbe1rGdqTJb956EMj
BffeHdxQty4tBt29fO/coJbk3xR82TWfir2yGt36J0F8Lq9CktENFRuftbgIo1ww
WjAPBgNVHRMBAf8EBTADAQH/MCgGA1UdEQQhMB+CDGRvY3MuZXhhbXBsZYIJbG9j
YWxob3N0hwR/AAABMB0GA1UdDgQWBBQY2vfryymyTQHL51q/icwzdUrsnjAKBggq
hkjOPQQDAgNIADBFAiEAsqzXFrXKrttWtJWiastFQDBwWqtX2fv7/FfLZOAmaVcC
IHZsd5hWU01QLRImDkgts+N/c9xqh41+ZAaazmZEdAMK
-----END CERTIFICATE-----
`,
};
