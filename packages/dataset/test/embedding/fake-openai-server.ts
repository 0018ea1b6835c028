// The OpenAI embeddings API on the shared fake server of @contextframe/test-support: request shape and replies.
import { type FakeOpenAiServer, type ReceivedRequest as ApiRequest, type Reply, type ReplyHandler, startFakeOpenAiServer } from '@contextframe/test-support';
import { HashEmbedder } from '../../src/index.js';

/** The body of an embeddings request. */
export interface EmbeddingsBody {
  model?: unknown;
  input: string[];
  dimensions?: unknown;
  encoding_format?: unknown;
}

/** A request as the server received it. */
export type ReceivedRequest = ApiRequest<EmbeddingsBody>;

export type Handler = ReplyHandler<EmbeddingsBody>;

export interface FakeServer extends FakeOpenAiServer<EmbeddingsBody> {
  /** Every input text the server was asked to embed, in arrival order. */
  readonly inputs: string[];
}

/** Embeds with the hash embedder, as a real server would with its model; `data` goes out in reverse order. */
export function embeddings(inputs: readonly string[], dimensions: number): Reply {
  const embedder = new HashEmbedder({ dimensions });
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: [...embedder.embedText(text)] }));
  return { body: { object: 'list', model: 'fake', data: data.reverse(), usage: { prompt_tokens: 0, total_tokens: 0 } } };
}

/** Starts a server for the current test; it is closed (connections and all) when the test finishes. */
export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const inputs: string[] = [];
  const server = await startFakeOpenAiServer<EmbeddingsBody>((request) => {
    inputs.push(...request.body.input);
    return handler(request);
  });
  return {
    baseUrl: server.baseUrl,
    requests: server.requests,
    inputs,
    get inFlight() {
      return server.inFlight;
    },
    get maxInFlight() {
      return server.maxInFlight;
    },
  };
}
