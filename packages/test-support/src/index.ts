// The public surface of @contextframe/test-support: helpers for the workspace's tests only (private, never published).

// Local OpenAI-compatible APIs
export { startFakeOpenAiServer } from './openai/fake-openai-server.js';
export type { FakeOpenAiServer, ReceivedRequest, Reply, ReplyHandler, StreamedReply } from './openai/fake-openai-server.js';
export { startJsonApi } from './openai/json-api.js';
export type { JsonApi } from './openai/json-api.js';
export { startFakeEmbeddings } from './openai/fake-embeddings.js';
export type { FakeEmbeddings } from './openai/fake-embeddings.js';

// Raw HTTP
export { INITIALIZE, mcpHeaders, rawRequest, rawSession } from './http/raw-http.js';
export type { RawRequest, RawResponse } from './http/raw-http.js';

// Waiting
export { until } from './until.js';
