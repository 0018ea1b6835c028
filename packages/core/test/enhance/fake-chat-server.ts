// A real HTTP server on 127.0.0.1 that speaks the OpenAI chat completions API, scripted per test.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** A document as the prompt shows it to the model. */
export interface PromptDocument {
  readonly id: string;
  readonly fields: string[];
  readonly title: string;
  readonly content: string;
}

/** A request as the server received it. */
export interface ChatRequest {
  readonly number: number;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: {
    model?: unknown;
    messages: { role: string; content: string }[];
    response_format?: unknown;
    temperature?: unknown;
    max_tokens?: unknown;
  };
  /** The documents in the user message, in order. */
  readonly documents: PromptDocument[];
  /** Resolves when the exchange ends: true when the client went away before the response was finished. */
  readonly dropped: Promise<boolean>;
}

export type Reply =
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | StreamedReply
  | 'hang' // never answers
  | 'reset'; // destroys the socket without answering

/**
 * Sends the head at once, then each of `chunks` as a write of its own, waiting while the client is not reading;
 * the body is chunked unless `headers` sets a Content-Length. `chunks` may be endless: writing stops when the
 * client goes away. After the last chunk the response ends, or with `end: false` stays open.
 */
export interface StreamedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly chunks: Iterable<string | Uint8Array>;
  readonly end?: boolean;
}

export type Handler = (request: ChatRequest) => Reply | Promise<Reply>;

export interface FakeChatServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  readonly requests: ChatRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
}

const DOCUMENT = /<document id="([^"]+)">\nfields: ([^\n]*)\ncurrent title: ([^\n]*)\n[\s\S]*?\ncontent:\n([\s\S]*?)\n<\/document>/g;

/** Reads the documents out of a prompt, as a model would. */
export function promptDocuments(prompt: string): PromptDocument[] {
  return [...prompt.matchAll(DOCUMENT)].map((match) => ({
    id: match[1]!,
    fields: match[2]!.split(', ').filter((field) => field !== ''),
    title: match[3]!,
    content: match[4]!,
  }));
}

/** A chat completion whose message is `content` (a string is sent as is, anything else as JSON). */
export function completion(content: unknown, finishReason = 'stop'): Reply {
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model: 'fake',
      choices: [{ index: 0, message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) }, finish_reason: finishReason }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    },
  };
}

/** A model that writes every requested field from the document's first words: deterministic, so tests know the answer. */
export function fakeEnhancement(document: PromptDocument): Record<string, unknown> {
  const words = document.content.split(/\s+/).filter((word) => word !== '');
  const entry: Record<string, unknown> = {};
  for (const field of document.fields) {
    if (field === 'title') entry.title = `About ${words.slice(0, 3).join(' ')}`;
    if (field === 'tags') entry.tags = [words[0]?.toLowerCase() ?? 'empty', 'fake-model'];
    if (field === 'context') entry.context = `This document starts with "${words.slice(0, 2).join(' ')}". It is useful.`;
    if (field === 'metadata') entry.metadata = { first_word: words[0] ?? '', length: document.content.length };
  }
  return entry;
}

/** The full answer of the fake model for a request: `{"documents": {id: fields}}`. */
export function fakeAnswer(request: ChatRequest, skip: (document: PromptDocument) => boolean = () => false): Reply {
  const documents = Object.fromEntries(request.documents.filter((document) => !skip(document)).map((document) => [document.id, fakeEnhancement(document)]));
  return completion({ documents });
}

/** Starts a server for the current test; it is closed (connections and all) when the test finishes. */
export async function startFakeChatServer(handler: Handler): Promise<FakeChatServer> {
  const requests: ChatRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const dropped = new Promise<boolean>((resolve) =>
        res.on('close', () => {
          inFlight--;
          resolve(!res.writableFinished);
        }),
      );
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest['body'];
      const user = body.messages.find((message) => message.role === 'user')?.content ?? '';
      const request: ChatRequest = { number: requests.length + 1, url: req.url ?? '', headers: req.headers, body, documents: promptDocuments(user), dropped };
      requests.push(request);
      void Promise.resolve(handler(request)).then((reply) => {
        if (reply === 'hang') return;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        if ('chunks' in reply) {
          void stream(res, reply);
          return;
        }
        const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

async function stream(res: ServerResponse, reply: StreamedReply): Promise<void> {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.flushHeaders();
  for (const chunk of reply.chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    }
  }
  if (reply.end !== false && !res.destroyed) res.end();
}

/** Waits until `condition` holds, polling; gives up after `limitMs` so a broken test fails instead of hanging. */
export async function until(condition: () => boolean, limitMs = 5_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}
