// A local OpenAI-compatible chat-completions API: answers each <document id="..."> of the prompt with a title and tags.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChat {
  /** The API root to configure, e.g. http://127.0.0.1:1234/v1. */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Titles are `LLM title <n>` in order of appearance; tags are always ['llm']. */
export async function startFakeChat(): Promise<FakeChat> {
  let requests = 0;
  let titles = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: { content: string }[] };
      const prompt = body.messages.map((message) => message.content).join('\n');
      const ids = [...prompt.matchAll(/<document id="([^"]+)">/g)].map((match) => match[1]!);
      const documents = Object.fromEntries(ids.map((id) => [id, { title: `LLM title ${++titles}`, tags: ['llm'] }]));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          model: 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ documents }) }, finish_reason: 'stop' }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
