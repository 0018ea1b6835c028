import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  batchAdd,
  batchEnhance,
  CollectingProgressSink,
  type EnhanceOptions,
  type EnhanceOutcome,
  type EnhanceRequest,
  type Enhancer,
  ExtractiveEnhancer,
  OpenAIChatEnhancer } from '../../src/index.js';
import { completion, fakeAnswer, startFakeChatServer } from '../enhance/fake-chat-server.js';
import { ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;

const CONTENTS = [
  '# Vector Search\n\nVector search ranks embeddings by cosine distance. Embeddings live in FLOAT arrays.',
  'Release notes\n\nVersion 2.1 adds streaming exports to the CLI. Streaming keeps the memory flat. Published 2024-03-05.',
  'Backups run nightly. Backups are copied to https://backup.example.com daily.',
  '12 34 56',
  'Archive record about retention policies. Records are stored for seven years.',
  'Another archive record about audits. Audits check retention.',
];

beforeEach(async () => {
  t = await openTestDataset();
  await batchAdd(
    {
      documents: CONTENTS.map((content, i) => ({
        content,
        metadata: {
          uuid: ID(i),
          title: `Title ${i}`,
          collection: i < 4 ? 'notes' : 'archive',
          tags: i === 0 ? ['Search', 'kept'] : [],
          status: 'draft',
          language: 'xx',
        },
      })),
    },
    t.context(),
  );
});

afterEach(async () => {
  await t.close();
});

function chatEnhancer(baseUrl: string): OpenAIChatEnhancer {
  return new OpenAIChatEnhancer({ baseUrl, model: 'test-model', retryBaseDelayMs: 1, retryMaxDelayMs: 5, maxRetries: 1 });
}

/** Wraps an enhancer to run `before` ahead of each call, e.g. to edit a record while enhancements are prepared. */
class HookedEnhancer implements Enhancer {
  readonly id: string;
  calls = 0;
  constructor(
    readonly inner: Enhancer,
    readonly before: (call: number, requests: readonly EnhanceRequest[]) => void | Promise<void>,
  ) {
    this.id = inner.id;
  }
  async enhance(requests: readonly EnhanceRequest[], options?: EnhanceOptions): Promise<EnhanceOutcome[]> {
    this.calls++;
    await this.before(this.calls, requests);
    return this.inner.enhance(requests, options);
  }
}

describe('batch_enhance with the built-in extractive enhancer', () => {
  it('writes title, context, merged tags and facts into the records a filter selects, and nothing else', async () => {
    const before = await t.dataset.get([ID(0), ID(1), ID(4)]);
    const result = await batchEnhance({ filter: `collection = 'notes' AND uuid != '${ID(3)}'`, enhancements: ['title', 'context', 'tags', 'metadata'] }, t.context());
    expect(result).toMatchObject({ success: true, enhancer: 'extractive', total_documents: 3, documents_enhanced: 3, documents_failed: 0, not_found: [] });
    expect(result.results.map((r) => [r.document_id, r.written, r.errors])).toEqual([
      [ID(0), true, []],
      [ID(1), true, []],
      [ID(2), true, []],
    ]);
    const [doc0, doc1, doc4] = await t.dataset.get([ID(0), ID(1), ID(4)]);
    const produced = result.results[0]!.enhancements;
    expect(doc0!.title).toBe('Vector Search');
    expect(produced.title).toBe('Vector Search');
    expect(doc0!.context).toBe(produced.context);
    expect(doc0!.context).toMatch(/^Vector search ranks embeddings by cosine distance\./);
    // Existing tags stay first; generated ones are added unless already there in another case ("search").
    expect(produced.tags).toContain('search');
    expect(doc0!.tags).toEqual(['Search', 'kept', ...produced.tags!.filter((tag) => tag !== 'search')]);
    // Facts are top-level metadata keys: new ones added, same-named ones replaced, the rest kept.
    expect(doc0!.metadata).toEqual({ status: 'draft', language: 'en', word_count: produced.metadata!.word_count! });
    expect(doc1!.metadata).toMatchObject({ status: 'draft', language: 'en', dates: ['2024-03-05'] });
    expect(doc1!.title).toBe('Release notes');
    // Content, vector and created_at are untouched; updated_at moves.
    expect(doc0!.content).toBe(before[0]!.content);
    expect(Array.from(doc0!.embedding!)).toEqual(Array.from(before[0]!.embedding!));
    expect(doc0!.created_at).toBe(before[0]!.created_at);
    expect(doc0!.updated_at > before[0]!.updated_at).toBe(true);
    // Not selected: untouched.
    expect(doc4).toEqual(before[2]);
  });

  it("carries a chunked document's new title, context, tags and facts to its chunks, in the same call", async () => {
    const added = await batchAdd(
      { documents: [{ content: 'Chunked text about vector search. '.repeat(10), metadata: { collection: 'chunked', status: 'draft' } }], shared_settings: { chunk_size: 80 } },
      t.context(),
    );
    const id = added.document_ids[0]!;
    const result = await batchEnhance({ document_ids: [id], enhancements: ['title', 'context', 'tags', 'metadata'] }, t.context());
    expect(result.documents_enhanced).toBe(1);
    const [document, ...chunks] = await t.dataset.get([id], { includeChunks: true, includeEmbedding: false });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ record_type: 'chunk', title: document!.title, context: document!.context, tags: document!.tags });
      expect(chunk.metadata).toMatchObject({ status: 'draft', word_count: document!.metadata.word_count, language: document!.metadata.language });
      // The chunk keeps what is its own.
      expect(chunk.metadata).toHaveProperty('_chunking');
    }
    expect(document!.title).not.toBeNull();
  });

  it('selects by document_ids, lists unknown ids in not_found, and enhances each record once', async () => {
    const result = await batchEnhance({ document_ids: [ID(2), ID(99), 'not-a-uuid', ID(2).toUpperCase()], enhancements: ['tags', 'tags'] }, t.context());
    expect(result).toMatchObject({ success: true, total_documents: 1, documents_enhanced: 1, not_found: [ID(99), 'not-a-uuid'] });
    expect(Object.keys(result.results[0]!.enhancements)).toEqual(['tags']);
    const [doc2] = await t.dataset.get([ID(2)]);
    expect(doc2!.tags).toEqual(result.results[0]!.enhancements.tags);
    expect(doc2!.tags[0]).toBe('backups');
    expect(doc2!.title).toBe('Title 2');
  });

  it('does not write a record whose one enhancement fails, and writes the others', async () => {
    const before = await t.dataset.get([ID(3)]);
    const result = await batchEnhance({ document_ids: [ID(2), ID(3)], enhancements: ['title', 'tags'] }, t.context());
    expect(result).toMatchObject({ success: false, total_documents: 2, documents_enhanced: 1, documents_failed: 1 });
    const failed = result.results[1]!;
    expect(failed).toMatchObject({ document_id: ID(3), written: false, enhancements: { title: '12 34 56' } });
    expect(failed.errors).toEqual([{ enhancement: 'tags', error: expect.stringContaining('no words to take tags from') }]);
    expect((await t.dataset.get([ID(3)]))[0]).toEqual(before[0]);
    expect((await t.dataset.get([ID(2)]))[0]!.title).toBe('Backups run nightly');
  });

  it('weighs tags against the dataset: a word common to the selection ranks below rarer ones', async () => {
    const result = await batchEnhance({ filter: "collection = 'archive'", enhancements: ['tags'] }, t.context());
    // Every candidate occurs once; "archive", "record" and "retention" are in both archive records, so the rarer words win.
    expect(result.results[0]!.enhancements.tags).toEqual(['policies', 'records', 'stored', 'seven', 'years']);
  });

  it('biases tags toward the purpose', async () => {
    const result = await batchEnhance({ filter: "collection = 'archive'", enhancements: ['tags'], purpose: 'data retention compliance' }, t.context());
    expect(result.results[0]!.enhancements.tags![0]).toBe('retention');
  });

  it('fails with MAX_DOCUMENTS_EXCEEDED and changes nothing when more records match than max_documents', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchEnhance({ filter: "status = 'draft'", enhancements: ['title'], max_documents: 5 }, t.context()));
    expect(error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(error.message).toContain('6 records match');
    expect(error.data).toMatchObject({ matched: 6, max_documents: 5 });
    const ids = await rejection(batchEnhance({ document_ids: [ID(0), ID(1), ID(2)], enhancements: ['title'], max_documents: 2 }, t.context()));
    expect(ids.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('rejects bad input with INVALID_INPUT before reading anything', async () => {
    const before = await snapshot(t.dataset);
    const cases: unknown[] = [
      { filter: "status = 'draft'", document_ids: [ID(0)], enhancements: ['title'] },
      { enhancements: ['title'] },
      { document_ids: [ID(0)], enhancements: [] },
      { document_ids: [ID(0)], enhancements: ['summary'] },
      { document_ids: [ID(0)], enhancements: ['title'], batch_size: 0 },
      { document_ids: [ID(0)], enhancements: ['title'], batch_size: 51 },
      { document_ids: [ID(0)], enhancements: ['title'], purpose: 'x'.repeat(2_001) },
      { document_ids: [ID(0)], enhancements: ['title'], extra: true },
    ];
    for (const input of cases) {
      const error = await rejection(batchEnhance(input as never, t.context()));
      expect(error.code).toBe('INVALID_INPUT');
    }
    const limited = await rejection(batchEnhance({ document_ids: [ID(0)], enhancements: ['title'], max_documents: 50 }, t.context({ limits: { maxEnhanceDocuments: 10 } })));
    expect(limited.message).toContain('max_documents may be at most 10');
    expect((await rejection(batchEnhance({ filter: 'status = = 1', enhancements: ['title'] }, t.context()))).code).toBe('FILTER_SYNTAX');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('succeeds with nothing to do when the filter matches nothing', async () => {
    const result = await batchEnhance({ filter: "status = 'none'", enhancements: ['title'] }, t.context());
    expect(result).toMatchObject({ success: true, total_documents: 0, documents_enhanced: 0, documents_failed: 0, results: [] });
  });

  it('reports progress that reaches the total only once the records are written, and an event per record', async () => {
    const sink = new CollectingProgressSink();
    await batchEnhance({ document_ids: [ID(0), ID(1), ID(2), ID(3)], enhancements: ['tags'], batch_size: 2 }, t.context({ progress: sink }));
    expect(sink.ofType('start')[0]!.total).toBe(4);
    expect(sink.ofType('progress').map((event) => event.current)).toEqual([2, 3, 4]);
    expect(sink.ofType('progress').at(-1)!.message).toContain('Wrote 3 enhanced records');
    const items = sink.ofType('item');
    expect(items.map((item) => [item.index, item.ok])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(sink.ofType('complete')[0]!.summary).toMatchObject({ status: 'partial', succeeded: 3, failed: 1 });
  });

  it('does not write a record changed by someone else while it was being enhanced, and writes the others', async () => {
    const enhancer = new HookedEnhancer(new ExtractiveEnhancer({ statistics: t.dataset }), async (call) => {
      if (call === 1) await t.dataset.update([{ uuid: ID(1), patch: { title: 'edited meanwhile' } }]);
    });
    const result = await batchEnhance({ document_ids: [ID(0), ID(1)], enhancements: ['title', 'tags'] }, t.context({ enhancer }));
    expect(result).toMatchObject({ success: false, documents_enhanced: 1, documents_failed: 1 });
    expect(result.results[1]!.written).toBe(false);
    expect(result.results[1]!.errors.map((e) => e.enhancement)).toEqual(['title', 'tags']);
    expect(result.results[1]!.errors[0]!.error).toContain('changed (or was deleted) while it was being enhanced');
    expect((await t.dataset.get([ID(1)]))[0]!.title).toBe('edited meanwhile');
    expect((await t.dataset.get([ID(0)]))[0]!.title).toBe('Vector Search');
  });

  it('lists a record deleted before it was read in not_found', async () => {
    const original = t.dataset.get.bind(t.dataset);
    const dataset = new Proxy(t.dataset, {
      get(target, property) {
        if (property === 'get') {
          return async (...args: Parameters<typeof original>) => {
            await target.delete([ID(1)]);
            return original(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const result = await batchEnhance({ document_ids: [ID(0), ID(1)], enhancements: ['title'] }, { dataset, embedder: t.embedder });
    expect(result).toMatchObject({ success: true, total_documents: 1, documents_enhanced: 1, not_found: [ID(1)] });
  });

  it('is cancelled without a change when the signal fires inside the write transaction', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const original = t.dataset.transaction.bind(t.dataset);
    const dataset = new Proxy(t.dataset, {
      get(target, property) {
        if (property === 'transaction') {
          return (fn: Parameters<typeof original>[0], options: Parameters<typeof original>[1]) =>
            original(async (tx) => {
              const result = await fn(tx);
              controller.abort();
              return result;
            }, options);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const error = await rejection(batchEnhance({ filter: "status = 'draft'", enhancements: ['title', 'tags'] }, { dataset, embedder: t.embedder, signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('refuses an enhancer value that breaks the rules, for that record only (injected fault: a misbehaving enhancer)', async () => {
    const broken: Enhancer = {
      id: 'broken',
      enhance: async (requests) =>
        requests.map((request, i) => ({ values: i === 0 ? { title: '   ' } : { title: `Fine ${request.document.uuid.slice(-1)}` }, errors: [] })),
    };
    const result = await batchEnhance({ document_ids: [ID(0), ID(1)], enhancements: ['title', 'context'] }, t.context({ enhancer: broken }));
    expect(result.results[0]!.errors).toEqual([
      { enhancement: 'title', error: expect.stringContaining('title is empty (from the enhancer broken)') },
      { enhancement: 'context', error: expect.stringContaining('returned nothing for this document') },
    ]);
    expect(result.documents_enhanced).toBe(0);
  });
});

describe('batch_enhance with an OpenAI-compatible chat model (local server)', () => {
  async function addMany(n: number): Promise<void> {
    await batchAdd({ documents: Array.from({ length: n }, (_, i) => ({ content: `Bulk${i} text of record`, metadata: { uuid: ID(100 + i), collection: 'bulk' } })) }, t.context());
  }

  it('sends 25 records with batch_size 10 as 3 requests and writes every answer', async () => {
    await addMany(25);
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    const result = await batchEnhance({ filter: "collection = 'bulk'", enhancements: ['title', 'tags'], batch_size: 10 }, t.context({ enhancer: chatEnhancer(server.baseUrl) }));
    expect(server.requests.map((r) => r.documents.length).sort()).toEqual([10, 10, 5]);
    expect(result).toMatchObject({ success: true, enhancer: 'openai-chat:test-model', total_documents: 25, documents_enhanced: 25 });
    const [record] = await t.dataset.get([ID(107)]);
    expect(record!.title).toBe('About Bulk7 text of');
    expect(record!.tags).toEqual(['bulk7', 'fake-model']);
  });

  it('puts the purpose in the prompt', async () => {
    const server = await startFakeChatServer((request) => fakeAnswer(request));
    await batchEnhance({ document_ids: [ID(0)], enhancements: ['context'], purpose: 'teaching search basics' }, t.context({ enhancer: chatEnhancer(server.baseUrl) }));
    expect(server.requests[0]!.body.messages[1]!.content).toContain('Purpose (what these documents are being enhanced for): teaching search basics');
  });

  it('writes the records a partial answer covers and lists the missing ones as failed', async () => {
    const before = await t.dataset.get([ID(1)]);
    const server = await startFakeChatServer((request) => fakeAnswer(request, (document) => document.id === 'd2'));
    const result = await batchEnhance({ document_ids: [ID(0), ID(1), ID(2)], enhancements: ['title'] }, t.context({ enhancer: chatEnhancer(server.baseUrl) }));
    expect(result).toMatchObject({ success: false, documents_enhanced: 2, documents_failed: 1 });
    expect(result.results[1]).toMatchObject({ document_id: ID(1), written: false, enhancements: {} });
    expect(result.results[1]!.errors[0]!.error).toContain('no entry for this document (d2)');
    expect((await t.dataset.get([ID(1)]))[0]).toEqual(before[0]);
    expect((await t.dataset.get([ID(2)]))[0]!.title).toBe('About Backups run nightly.');
  });

  it('makes an enhanced title findable by text search right after the call', async () => {
    const server = await startFakeChatServer(() => completion({ documents: { d1: { title: 'Zebracorn migration guide', tags: ['unicornish'] } } }));
    expect(await t.dataset.search({ type: 'text', text: 'zebracorn' })).toEqual([]);
    await batchEnhance({ document_ids: [ID(4)], enhancements: ['title', 'tags'] }, t.context({ enhancer: chatEnhancer(server.baseUrl) }));
    expect((await t.dataset.search({ type: 'text', text: 'zebracorn' })).map((hit) => hit.uuid)).toEqual([ID(4)]);
    expect((await t.dataset.search({ type: 'text', text: 'unicornish' })).map((hit) => hit.uuid)).toEqual([ID(4)]);
  });

  it('merges flat facts into metadata without touching record-field keys', async () => {
    const server = await startFakeChatServer(() =>
      completion({ documents: { d1: { metadata: { author: 'Ann', title: 'Not a title', tags: ['no'], uuid: 'x', owner: { team: 'search' }, unknown: null, status: 'final' } } } }),
    );
    const result = await batchEnhance({ document_ids: [ID(0)], enhancements: ['metadata'] }, t.context({ enhancer: chatEnhancer(server.baseUrl) }));
    expect(result.results[0]!.enhancements).toEqual({ metadata: { author: 'Ann', owner_team: 'search', status: 'final' } });
    const [record] = await t.dataset.get([ID(0)]);
    expect(record!.metadata).toEqual({ status: 'final', language: 'xx', author: 'Ann', owner_team: 'search' });
    expect(record!.title).toBe('Title 0');
    expect(record!.tags).toEqual(['Search', 'kept']);
  });

  it('fails with a retryable ENHANCER_FAILED and changes nothing when the model server answers 500 every time', async () => {
    const before = await snapshot(t.dataset);
    const server = await startFakeChatServer(() => ({ status: 500, body: 'overloaded' }));
    const error = await rejection(batchEnhance({ filter: "status = 'draft'", enhancements: ['title'], batch_size: 50 }, t.context({ enhancer: chatEnhancer(server.baseUrl) })));
    expect(error).toMatchObject({ code: 'ENHANCER_FAILED', retryable: true });
    expect(error.message).toContain('Nothing was changed');
    expect(server.requests).toHaveLength(2);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('is cancelled without a change when the signal fires while the model is answering', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const server = await startFakeChatServer(() => {
      controller.abort(new Error('stop'));
      return 'hang';
    });
    const error = await rejection(
      batchEnhance({ filter: "status = 'draft'", enhancements: ['title'], batch_size: 2 }, t.context({ enhancer: chatEnhancer(server.baseUrl), signal: controller.signal })),
    );
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toContain('nothing was changed');
    expect(await server.requests[0]!.dropped).toBe(true);
    expect(await snapshot(t.dataset)).toEqual(before);
  });
});
