// Raw HTTP for what the MCP Client hides: status codes, headers, a Host header of our choosing, hanging up.
import { request } from 'node:http';

/** What came back: the status, the headers, and the body text received (all of it, or up to the hang-up). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** How to send a raw request; GET with no headers and no body by default. */
export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Called with the body text received so far; return true to hang up at once. */
  readonly hangUpWhen?: (received: string) => boolean;
}

/** Sends one request to `url` and collects the answer (or what arrived before hanging up). */
export function rawRequest(url: URL, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // No agent: a connection of its own per request, so a hang-up or a server shutdown leaves no pooled socket behind.
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
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

/** A JSON-RPC `initialize` request, as a client opening an MCP session sends it. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** Opens a session by hand (initialize, then initialized) and returns the headers its later requests need. */
export async function rawSession(url: URL): Promise<Record<string, string>> {
  const init = await rawRequest(url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) });
  if (init.status !== 200) throw new Error(`initialize answered ${init.status}: ${init.body}`);
  const headers = mcpHeaders({ 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' });
  const initialized = await rawRequest(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return headers;
}
