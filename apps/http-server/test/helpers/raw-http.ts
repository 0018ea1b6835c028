// Raw HTTP requests for what the MCP Client hides: status codes, headers, a Host header of our choosing, hanging up.
import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Called with the body text received so far; return true to hang up at once. */
  readonly hangUpWhen?: (received: string) => boolean;
}

/** Sends one request to `url` (which may be given a foreign Host header) and collects the answer. */
export function rawRequest(url: URL, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (options.hangUpWhen?.(body)) {
          req.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** JSON-RPC POST headers for /mcp. */
export function mcpHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra };
}
