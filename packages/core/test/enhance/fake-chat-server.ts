// The OpenAI chat completions API on the shared fake server of @contextframe/test-support: prompts, replies, a fake model.
import { type FakeOpenAiServer, type ReceivedRequest, type Reply, startFakeOpenAiServer } from '@contextframe/test-support';

/** A document as the prompt shows it to the model. */
export interface PromptDocument {
  readonly id: string;
  readonly fields: string[];
  readonly title: string;
  readonly content: string;
}

/** The body of a chat completions request. */
export interface ChatBody {
  model?: unknown;
  messages: { role: string; content: string }[];
  response_format?: unknown;
  temperature?: unknown;
  max_tokens?: unknown;
}

/** A request as the server received it. */
export interface ChatRequest extends ReceivedRequest<ChatBody> {
  /** The documents in the user message, in order. */
  readonly documents: PromptDocument[];
}

export type Handler = (request: ChatRequest) => Reply | Promise<Reply>;

export interface FakeChatServer extends FakeOpenAiServer<ChatBody> {
  readonly requests: ChatRequest[];
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
  const server = await startFakeOpenAiServer<ChatBody>((received) => {
    const user = received.body.messages.find((message) => message.role === 'user')?.content ?? '';
    const request: ChatRequest = { ...received, documents: promptDocuments(user) };
    requests.push(request);
    return handler(request);
  });
  return {
    baseUrl: server.baseUrl,
    requests,
    get inFlight() {
      return server.inFlight;
    },
    get maxInFlight() {
      return server.maxInFlight;
    },
  };
}
