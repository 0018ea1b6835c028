import { HashEmbedder } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchUpdate, CollectingProgressSink } from '../../src/index.js';
import { FaultInjectingEmbedder, HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;

beforeEach(async () => {
  t = await openTestDataset();
  await batchAdd(
    {
      documents: Array.from({ length: 6 }, (_, i) => ({
        content: `Original content ${i}`,
        metadata: {
          uuid: ID(i),
          title: `Title ${i}`,
          collection: i < 4 ? 'notes' : 'archive',
          status: 'draft',
          author: { name: `author${i}`, email: `a${i}@x.org` },
          priority: i,
        },
      })),
    },
    t.context(),
  );
});

afterEach(async () => {
  await t.close();
});

describe('batch_update', () => {
  it('deep-merges metadata_updates into the records a filter selects: objects merge, null removes, values replace', async () => {
    const before = await t.dataset.get([ID(0), ID(4)]);
    const result = await batchUpdate(
      { filter: "collection = 'notes'", updates: { metadata_updates: { status: 'reviewed', author: { email: null, team: 'core' }, priority: null, extra: { a: 1, b: null } } } },
      t.context(),
    );
    expect(result).toMatchObject({ success: true, documents_matched: 4, documents_updated: 4, documents_failed: 0, errors: [], not_found: [] });
    const [doc0] = await t.dataset.get([ID(0)]);
    expect(doc0!.metadata).toEqual({ status: 'reviewed', author: { name: 'author0', team: 'core' }, extra: { a: 1 } });
    expect(doc0!.updated_at > before[0]!.updated_at).toBe(true);
    expect(doc0!.created_at).toBe(before[0]!.created_at);
    // Not selected: untouched.
    expect((await t.dataset.get([ID(4)]))[0]).toEqual(before[1]);
  });

  it('sets record fields named in metadata_updates instead of metadata', async () => {
    await batchUpdate({ document_ids: [ID(1)], updates: { metadata_updates: { title: 'New title', tags: ['x'], collection: 'moved', context: null } } }, t.context());
    const [record] = await t.dataset.get([ID(1)]);
    expect(record).toMatchObject({ title: 'New title', tags: ['x'], collection: 'moved', context: null });
    expect(record!.metadata).not.toHaveProperty('title');
    expect(record!.metadata).toHaveProperty('status', 'draft');
  });

  it('leaves content and vectors alone for a metadata-only update', async () => {
    const [before] = await t.dataset.get([ID(2)]);
    const embedder = new HookedEmbedder(() => {});
    const result = await batchUpdate({ document_ids: [ID(2)], updates: { metadata_updates: { status: 'done' } } }, t.context({ embedder }));
    expect(result.embeddings_regenerated).toBe(0);
    expect(embedder.calls).toBe(0);
    const [after] = await t.dataset.get([ID(2)]);
    expect(after!.content).toBe(before!.content);
    expect(Array.from(after!.embedding!)).toEqual(Array.from(before!.embedding!));
  });

  it('renders content_template per record and re-embeds the changed content', async () => {
    const result = await batchUpdate(
      { document_ids: [ID(0), ID(5)], updates: { content_template: '# {{title}} ({{collection}})\n{{content}} by {{metadata.author.name}}{{metadata.missing}}' } },
      t.context(),
    );
    expect(result).toMatchObject({ documents_updated: 2, embeddings_regenerated: 2 });
    const [doc0, doc5] = await t.dataset.get([ID(0), ID(5)]);
    expect(doc0!.content).toBe('# Title 0 (notes)\nOriginal content 0 by author0');
    expect(doc5!.content).toBe('# Title 5 (archive)\nOriginal content 5 by author5');
    const [expected] = await t.embedder.embed([doc0!.content]);
    expect(Array.from(doc0!.embedding!)).toEqual(Array.from(expected!));
  });

  it('finds updated content by text search afterwards (the store re-indexes it)', async () => {
    await batchUpdate({ document_ids: [ID(3)], updates: { content_template: '{{content}} zebracorn' } }, t.context());
    const hits = await t.dataset.search({ type: 'text', text: 'zebracorn' });
    expect(hits.map((hit) => hit.uuid)).toEqual([ID(3)]);
  });

  it('clears the stale vector instead of re-embedding when regenerate_embeddings is false', async () => {
    const embedder = new HookedEmbedder(() => {});
    await batchUpdate({ document_ids: [ID(1), ID(2)], updates: { content_template: 'changed {{content}}', regenerate_embeddings: false } }, t.context({ embedder }));
    expect(embedder.calls).toBe(0);
    const records = await t.dataset.get([ID(1), ID(2)]);
    expect(records.map((record) => record.embedding)).toEqual([null, null]);
    expect(records[0]!.content).toBe('changed Original content 1');
  });

  it('re-embeds only records whose content actually changed', async () => {
    const result = await batchUpdate({ document_ids: [ID(0), ID(1)], updates: { content_template: '{{content}}' } }, t.context());
    expect(result.embeddings_regenerated).toBe(0);
  });

  it('re-embeds every selected record when regenerate_embeddings: true is the only update', async () => {
    await batchAdd({ documents: [{ content: 'no vector yet', metadata: { uuid: ID(50) } }], shared_settings: { generate_embeddings: false } }, t.context());
    const result = await batchUpdate({ document_ids: [ID(50), ID(0)], updates: { regenerate_embeddings: true } }, t.context());
    expect(result.embeddings_regenerated).toBe(2);
    expect((await t.dataset.get([ID(50)]))[0]!.embedding).not.toBeNull();
  });

  it('fails with INVALID_INPUT before any change on an unknown placeholder', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchUpdate({ filter: "collection = 'notes'", updates: { content_template: '{{content}} {{author}} {{metadata}}' } }, t.context()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('{{author}}');
    expect(error.message).toContain('{{metadata}}');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('fails with MAX_DOCUMENTS_EXCEEDED and changes nothing when more records match than max_documents', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchUpdate({ filter: "status = 'draft'", updates: { metadata_updates: { status: 'x' } }, max_documents: 5 }, t.context()));
    expect(error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(error.message).toContain('6 records match');
    expect(error.data).toMatchObject({ matched: 6, max_documents: 5 });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('also enforces max_documents for document_ids', async () => {
    const error = await rejection(batchUpdate({ document_ids: [ID(0), ID(1), ID(2)], updates: { metadata_updates: { a: 1 } }, max_documents: 2 }, t.context()));
    expect(error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
  });

  it('lists unknown ids in not_found and updates the rest', async () => {
    const result = await batchUpdate({ document_ids: [ID(0), ID(99), 'not-a-uuid', ID(0).toUpperCase()], updates: { metadata_updates: { seen: true } } }, t.context());
    expect(result).toMatchObject({ documents_matched: 1, documents_updated: 1, not_found: [ID(99), 'not-a-uuid'] });
    expect((await t.dataset.get([ID(0)]))[0]!.metadata).toHaveProperty('seen', true);
  });

  it('requires exactly one of filter and document_ids', async () => {
    const both = await rejection(batchUpdate({ filter: "status = 'draft'", document_ids: [ID(0)], updates: { metadata_updates: { a: 1 } } }, t.context()));
    expect(both.code).toBe('INVALID_INPUT');
    expect(both.message).toMatch(/exactly one of filter or document_ids/);
    const neither = await rejection(batchUpdate({ updates: { metadata_updates: { a: 1 } } }, t.context()));
    expect(neither.message).toContain('neither');
  });

  it('rejects updates that change nothing, a uuid change, a bad field value and a bad filter', async () => {
    expect((await rejection(batchUpdate({ document_ids: [ID(0)], updates: {} }, t.context()))).code).toBe('INVALID_INPUT');
    expect((await rejection(batchUpdate({ document_ids: [ID(0)], updates: { metadata_updates: { uuid: ID(9) } } }, t.context()))).code).toBe('INVALID_INPUT');
    const tags = await rejection(batchUpdate({ document_ids: [ID(0)], updates: { metadata_updates: { tags: 'x' } } }, t.context()));
    expect(tags.message).toContain('tags');
    expect((await rejection(batchUpdate({ filter: 'status = = 1', updates: { metadata_updates: { a: 1 } } }, t.context()))).code).toBe('FILTER_SYNTAX');
    expect((await rejection(batchUpdate({ filter: '  ', updates: { metadata_updates: { a: 1 } } }, t.context()))).code).toBe('INVALID_INPUT');
    expect(
      (await rejection(batchUpdate({ document_ids: [ID(0)], updates: { metadata_updates: { a: 1 } }, max_documents: 50 }, t.context({ limits: { maxUpdateDocuments: 10 } })))).code,
    ).toBe('INVALID_INPUT');
  });

  it('atomic: changes nothing and fails with TX_ROLLED_BACK when one record fails to re-embed (injected fault)', async () => {
    const before = await snapshot(t.dataset);
    const embedder = new FaultInjectingEmbedder('content 2');
    const error = await rejection(batchUpdate({ filter: "collection = 'notes'", updates: { content_template: 'New {{content}}' } }, t.context({ embedder })));
    expect(error.code).toBe('TX_ROLLED_BACK');
    expect(error.data).toMatchObject({ code: 'EMBEDDER_FAILED', errors: [expect.objectContaining({ uuid: ID(2) })] });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('non-atomic: updates the others and lists the record that failed to re-embed', async () => {
    const embedder = new FaultInjectingEmbedder('content 2');
    const result = await batchUpdate({ filter: "collection = 'notes'", updates: { content_template: 'New {{content}}' }, atomic: false }, t.context({ embedder }));
    expect(result).toMatchObject({ success: false, documents_matched: 4, documents_updated: 3, documents_failed: 1 });
    expect(result.errors).toEqual([expect.objectContaining({ uuid: ID(2), code: 'EMBEDDER_FAILED', item_index: 2 })]);
    expect((await t.dataset.get([ID(2)]))[0]!.content).toBe('Original content 2');
    expect((await t.dataset.get([ID(1)]))[0]!.content).toBe('New Original content 1');
  });

  it('fails with EMBEDDING_MISMATCH before changing anything when the embedder does not fit the dataset', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchUpdate({ document_ids: [ID(0)], updates: { content_template: 'x {{content}}' } }, t.context({ embedder: new HashEmbedder({ dimensions: 8 }) })));
    expect(error.code).toBe('EMBEDDING_MISMATCH');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('fails with TX_CONFLICT, changing nothing, when a record changes between preparing and writing', async () => {
    const embedder = new HookedEmbedder(async () => {
      // Someone else edits record 1 while this update is embedding.
      await t.dataset.update([{ uuid: ID(1), patch: { title: 'edited meanwhile' } }]);
    });
    const error = await rejection(batchUpdate({ document_ids: [ID(0), ID(1)], updates: { content_template: 'v2 {{content}}' } }, t.context({ embedder })));
    expect(error.code).toBe('TX_CONFLICT');
    expect(error.retryable).toBe(true);
    const records = await t.dataset.get([ID(0), ID(1)]);
    expect(records.map((record) => record.content)).toEqual(['Original content 0', 'Original content 1']);
    expect(records[1]!.title).toBe('edited meanwhile');
  });

  it('reports a record deleted while the update was prepared as failed (non-atomic)', async () => {
    const embedder = new HookedEmbedder(() => {});
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
    const result = await batchUpdate({ document_ids: [ID(0), ID(1)], updates: { metadata_updates: { a: 1 } }, atomic: false }, { dataset, embedder });
    expect(result.documents_updated).toBe(1);
    expect(result.errors).toEqual([expect.objectContaining({ uuid: ID(1), code: 'TX_CONFLICT' })]);
  });

  it('is cancelled without a change when the signal fires mid-update', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const embedder = new HookedEmbedder(() => controller.abort());
    const error = await rejection(
      batchUpdate({ filter: "status = 'draft'", updates: { content_template: 'x {{content}}' } }, t.context({ embedder, signal: controller.signal })),
    );
    expect(error.code).toBe('CANCELLED');
    expect(await snapshot(t.dataset)).toEqual(before);
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
    const error = await rejection(batchUpdate({ filter: "status = 'draft'", updates: { metadata_updates: { s: 1 } } }, { dataset, embedder: t.embedder, signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('reports progress that reaches the total only once the update is committed', async () => {
    const sink = new CollectingProgressSink();
    await batchUpdate({ filter: "status = 'draft'", updates: { metadata_updates: { s: 1 } } }, t.context({ progress: sink, limits: {} }));
    expect(sink.ofType('start')[0]!.total).toBe(6);
    expect(sink.ofType('progress').map((event) => event.current)).toEqual([5, 6]);
    expect(sink.ofType('progress').at(-1)!.message).toContain('Updated');
    expect(sink.ofType('item')).toHaveLength(6);
  });

  it('updates nothing and succeeds when the filter matches nothing', async () => {
    const result = await batchUpdate({ filter: "status = 'none'", updates: { metadata_updates: { s: 1 } } }, t.context());
    expect(result).toMatchObject({ success: true, documents_matched: 0, documents_updated: 0 });
  });
});
