import { until } from '@contextframe/test-support';
import { describe, expect, it } from 'vitest';
import { CoreError, type EnhanceRequest, OpenAIChatEnhancer, type OpenAIChatEnhancerOptions } from '../../src/index.js';
import { completion, fakeAnswer, fakeEnhancement, startFakeChatServer } from './fake-chat-server.js';

function requests(n: number, enhancements: EnhanceRequest['enhancements'] = ['title', 'tags']): EnhanceRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    document: { uuid: `doc-${i}`, title: null, content: `Word${i} second third fourth`, tags: [], metadata: {}, collection: null },
    enhancements,
  }));
}

function enhancer(baseUrl: string, options: Partial<OpenAIChatEnhancerOptions> = {}): OpenAIChatEnhancer {
  return new OpenAIChatEnhancer({ baseUrl, model: 'test-model', retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });
}

async function failure(promise: Promise<unknown>): Promise<CoreError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}

describe('OpenAIChatEnhancer requests', () => {
  it('sends 25 documents with batchSize 10 as 3 chat requests of 10, 10 and 5, and returns 25 outcomes in order', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    const outcomes = await enhancer(server.baseUrl, { batchSize: 10, concurrency: 1, apiKey: 'sk-test' }).enhance(requests(25));
    expect(server.requests.map((r) => r.documents.length)).toEqual([10, 10, 5]);
    expect(server.requests.map((r) => r.documents.map((d) => d.content.split(' ')[0]))).toEqual([
      Array.from({ length: 10 }, (_, i) => `Word${i}`),
      Array.from({ length: 10 }, (_, i) => `Word${i + 10}`),
      Array.from({ length: 5 }, (_, i) => `Word${i + 20}`),
    ]);
    expect(outcomes).toHaveLength(25);
    outcomes.forEach((outcome, i) => {
      expect(outcome).toEqual({ values: { title: `About Word${i} second third`, tags: [`word${i}`, 'fake-model'] }, errors: [] });
    });
    const [first] = server.requests;
    expect(first!.url).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer sk-test');
    expect(first!.body.model).toBe('test-model');
    expect(first!.body.response_format).toEqual({ type: 'json_object' });
    expect(first!.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    // Optional sampling fields are not sent unless configured.
    expect(first!.body).not.toHaveProperty('temperature');
    expect(first!.body).not.toHaveProperty('max_tokens');
  });

  it('states the purpose, the exact JSON shape, the per-field instructions and the requested fields in the prompt', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    await enhancer(server.baseUrl, { temperature: 0, maxTokens: 500 }).enhance(requests(2, ['context', 'metadata']), { purpose: 'onboarding new engineers' });
    const { body, documents } = server.requests[0]!;
    const prompt = body.messages[1]!.content;
    expect(prompt).toContain('Purpose (what these documents are being enhanced for): onboarding new engineers');
    expect(prompt).toContain('{"documents": {"d1": {"context": "...", "metadata": {"key": "value"}}, ...}}');
    expect(prompt).toContain('"context": 2-3 sentences');
    expect(prompt).toContain('"metadata": key facts');
    expect(prompt).not.toContain('"title":');
    expect(documents.map((d) => [d.id, d.fields])).toEqual([
      ['d1', ['context', 'metadata']],
      ['d2', ['context', 'metadata']],
    ]);
    expect(body).toMatchObject({ temperature: 0, max_tokens: 500 });
  });

  it('cuts long documents to maxDocumentChars and says so in the prompt', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    const long: EnhanceRequest = { document: { ...requests(1)[0]!.document, content: `${'a'.repeat(250)}TAIL` }, enhancements: ['title'] };
    const [outcome] = await enhancer(server.baseUrl, { maxDocumentChars: 200 }).enhance([long]);
    const prompt = server.requests[0]!.body.messages[1]!.content;
    expect(prompt).toContain('Documents longer than 200 characters are cut off');
    expect(prompt).toContain(`${'a'.repeat(200)}\n[cut off: showing the first 200 of 254 characters]\n</document>`);
    expect(prompt).not.toContain('TAIL');
    expect(outcome!.errors).toEqual([]);
  });

  it('reads an answer wrapped in a ```json fence', async () => {
    const server = await startFakeChatServer((request) =>
      completion(`Here you go:\n\`\`\`json\n${JSON.stringify({ documents: { d1: fakeEnhancement(request.documents[0]!) } })}\n\`\`\``),
    );
    const [outcome] = await enhancer(server.baseUrl).enhance(requests(1));
    expect(outcome).toEqual({ values: { title: 'About Word0 second third', tags: ['word0', 'fake-model'] }, errors: [] });
  });

  it('fails only the documents and fields a partial answer lacks, saying why', async () => {
    const server = await startFakeChatServer((request) =>
      completion({
        documents: {
          d1: fakeEnhancement(request.documents[0]!),
          // d2 is missing entirely; d3 lacks tags; d4 has an empty title.
          d3: { title: 'Third' },
          d4: { title: '  ', tags: ['x', 'X', ' y '] },
        },
      }),
    );
    const outcomes = await enhancer(server.baseUrl).enhance(requests(4));
    expect(outcomes[0]).toEqual({ values: { title: 'About Word0 second third', tags: ['word0', 'fake-model'] }, errors: [] });
    expect(outcomes[1]!.values).toEqual({});
    expect(outcomes[1]!.errors.map((e) => e.enhancement)).toEqual(['title', 'tags']);
    expect(outcomes[1]!.errors[0]!.error).toMatch(/^title: the model's reply has no entry for this document \(d2\)\. Call batch_enhance again/);
    expect(outcomes[2]!.values).toEqual({ title: 'Third' });
    expect(outcomes[2]!.errors).toEqual([{ enhancement: 'tags', error: expect.stringContaining('has no "tags"') }]);
    expect(outcomes[3]!.values).toEqual({ tags: ['x', 'y'] });
    expect(outcomes[3]!.errors).toEqual([{ enhancement: 'title', error: expect.stringContaining('title is empty') }]);
  });

  it('fails every field of the batch, without throwing, when the answer is not JSON, and notes a cut-off reply', async () => {
    const server = await startFakeChatServer(() => completion('{"documents": {"d1": {"title": "Unfinish', 'length'));
    const outcomes = await enhancer(server.baseUrl).enhance(requests(2));
    expect(outcomes.every((outcome) => Object.keys(outcome.values).length === 0)).toBe(true);
    expect(outcomes.flatMap((outcome) => outcome.errors.map((e) => e.enhancement))).toEqual(['title', 'tags', 'title', 'tags']);
    expect(outcomes[0]!.errors[0]!.error).toContain('not valid JSON');
    expect(outcomes[0]!.errors[0]!.error).toContain('finish_reason: length');
    // A malformed answer is the model's fault, not the transport's: it is not retried.
    expect(server.requests).toHaveLength(1);
  });

  it('retries after a 429, honouring Retry-After, then succeeds', async () => {
    const server = await startFakeChatServer((request) =>
      request.number === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow down' } } } : fakeAnswer(request),
    );
    const outcomes = await enhancer(server.baseUrl, { retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }).enhance(requests(3));
    // Retry-After: 0 replaced the 60 s backoff, so the call finished.
    expect(server.requests).toHaveLength(2);
    expect(outcomes.map((outcome) => outcome.errors)).toEqual([[], [], []]);
  });

  it('gives up with a retryable ENHANCER_FAILED after maxRetries + 1 attempts when every answer is a 500', async () => {
    const server = await startFakeChatServer(() => ({ status: 500, body: { error: { message: 'model crashed' } } }));
    const error = await failure(enhancer(server.baseUrl, { maxRetries: 2, apiKey: 'sk-secret' }).enhance(requests(2)));
    expect(server.requests).toHaveLength(3);
    expect(error.code).toBe('ENHANCER_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('failed after 3 attempts: HTTP 500');
    expect(error.message).toContain('model crashed');
    expect(error.data).toMatchObject({ status: 500, attempts: 3, model: 'test-model' });
    expect(JSON.stringify(error.data) + error.message).not.toContain('sk-secret');
  });

  it('times out a request that never answers and retries it, then fails with a retryable ENHANCER_FAILED', async () => {
    const server = await startFakeChatServer(() => 'hang');
    const error = await failure(enhancer(server.baseUrl, { timeoutMs: 500, maxRetries: 1 }).enhance(requests(1)));
    expect(server.requests).toHaveLength(2);
    expect(error.code).toBe('ENHANCER_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('no complete response within 500 ms');
    // The client hung up on both attempts.
    expect(await Promise.all(server.requests.map((r) => r.dropped))).toEqual([true, true]);
  });

  it('does not retry a 401 and names apiKey, without repeating the key', async () => {
    const server = await startFakeChatServer(() => ({ status: 401, body: { error: { message: 'bad key sk-secret' } } }));
    const error = await failure(enhancer(server.baseUrl, { apiKey: 'sk-secret' }).enhance(requests(1)));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'ENHANCER_FAILED', retryable: false });
    expect(error.message).toContain('Check apiKey');
    expect(error.message).not.toContain('sk-secret');
    expect(error.message).toContain('[redacted]');
  });

  it('fails with ENHANCER_FAILED when the server does not speak chat completions', async () => {
    const server = await startFakeChatServer(() => ({ body: { data: [] } }));
    const error = await failure(enhancer(server.baseUrl).enhance(requests(1)));
    expect(error.code).toBe('ENHANCER_FAILED');
    expect(error.message).toContain('something other than a chat completion');
  });

  it('fails at once with ENHANCER_FAILED naming the cap, maxResponseBytes and the endpoint when a reply runs past the cap', async () => {
    // An endpoint that streams without end, as a broken proxy might.
    const server = await startFakeChatServer(() => ({ chunks: (function* () { for (;;) yield '<p>loading</p>'.repeat(64); })() }));
    const error = await failure(enhancer(server.baseUrl, { apiKey: 'sk-cap-secret', maxResponseBytes: 2048 }).enhance(requests(2)));
    expect(error).toMatchObject({ code: 'ENHANCER_FAILED', retryable: false });
    expect(error.message).toMatch(
      new RegExp(
        `^Enhancement request 1 of 1 \\(2 documents\\) to ${server.baseUrl}/chat/completions failed: the HTTP 200 response ran past maxResponseBytes \\(2048 bytes = 2 KiB\\); reading stopped at \\d+ bytes and the request was cancelled\\. Raise maxResponseBytes .* or set maxTokens or lower batch_size; .* Nothing was changed\\.$`,
      ),
    );
    expect(error.data).toMatchObject({ url: `${server.baseUrl}/chat/completions`, model: 'test-model', status: 200, maxResponseBytes: 2048 });
    expect(JSON.stringify(error.data) + error.message).not.toContain('sk-cap-secret');
    // Not retried, and the server saw the connection closed.
    expect(server.requests).toHaveLength(1);
    expect(await server.requests[0]!.dropped).toBe(true);
  });

  it('accepts a reply within the cap, and caps replies at 8 MiB by default', async () => {
    const sized = await startFakeChatServer((request) => fakeAnswer(request));
    expect((await enhancer(sized.baseUrl, { maxResponseBytes: 4096 }).enhance(requests(2))).map((outcome) => outcome.errors)).toEqual([[], []]);
    const huge = await startFakeChatServer(() => ({ headers: { 'content-length': String(8 * 1_048_576 + 1) }, chunks: [], end: false }));
    const error = await failure(enhancer(huge.baseUrl).enhance(requests(1)));
    expect(error.code).toBe('ENHANCER_FAILED');
    expect(error.message).toContain(`declares ${8 * 1_048_576 + 1} bytes (Content-Length), more than maxResponseBytes (8388608 bytes = 8 MiB)`);
    expect(error.message).toMatch(/Nothing was changed\.$/);
    expect(huge.requests).toHaveLength(1);
  });

  it('stops the other requests of the call once one fails for good', async () => {
    const server = await startFakeChatServer(async (request) => {
      if (request.number !== 1) return 'hang';
      // Fail only once the sibling is in flight, so there is something to stop.
      await until(() => server.requests.length === 2);
      return { status: 400, body: 'bad request' };
    });
    const error = await failure(enhancer(server.baseUrl, { batchSize: 1, concurrency: 2 }).enhance(requests(3)));
    expect(error).toMatchObject({ code: 'ENHANCER_FAILED', retryable: false });
    expect(error.message).toContain('HTTP 400');
    // The hanging sibling was abandoned rather than waited for, and the third never started.
    expect(server.requests).toHaveLength(2);
    expect(await server.requests[1]!.dropped).toBe(true);
  });

  it('cancels a request in flight when the signal fires, rejecting with CANCELLED', async () => {
    const controller = new AbortController();
    const server = await startFakeChatServer(() => {
      controller.abort(new Error('user stopped it'));
      return 'hang';
    });
    const error = await failure(enhancer(server.baseUrl).enhance(requests(2), { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with CANCELLED without a request when the signal has already fired', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    const controller = new AbortController();
    controller.abort();
    expect((await failure(enhancer(server.baseUrl).enhance(requests(2), { signal: controller.signal }))).code).toBe('CANCELLED');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps at most `concurrency` requests in flight across concurrent calls', async () => {
    const server = await startFakeChatServer(async (request) => {
      await until(() => server.inFlight >= 2 || server.requests.length === 4, 2_000);
      return fakeAnswer(request);
    });
    const shared = enhancer(server.baseUrl, { batchSize: 1, concurrency: 2 });
    const results = await Promise.all([shared.enhance(requests(2)), shared.enhance(requests(2))]);
    expect(server.requests).toHaveLength(4);
    expect(server.maxInFlight).toBe(2);
    expect(results.flat().every((outcome) => outcome.errors.length === 0)).toBe(true);
  });

  it('returns no outcomes and sends nothing for no requests', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    expect(await enhancer(server.baseUrl).enhance([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects invalid options with INVALID_INPUT naming each problem', () => {
    const thrown = (make: () => unknown): CoreError => {
      try {
        make();
      } catch (error) {
        expect(error).toBeInstanceOf(CoreError);
        return error as CoreError;
      }
      throw new Error('expected the constructor to throw');
    };
    expect(thrown(() => new OpenAIChatEnhancer({ baseUrl: 'ftp://x', model: '' })).message).toMatch(/baseUrl: must be an http\(s\) URL.*model/);
    const error = thrown(() => new OpenAIChatEnhancer({ baseUrl: 'http://user:pw@host/v1', model: 'm', batchSize: 51 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('must not contain credentials');
    expect(error.message).toContain('batchSize');
    expect(thrown(() => new OpenAIChatEnhancer({ baseUrl: 'http://localhost/v1', model: 'm', maxResponseBytes: 512 })).message).toContain(
      'maxResponseBytes: must be at least 1024 (1 KiB)',
    );
    expect(new OpenAIChatEnhancer({ baseUrl: 'http://localhost:11434/v1/', model: 'llama3.1' }).id).toBe('openai-chat:llama3.1');
  });
});
