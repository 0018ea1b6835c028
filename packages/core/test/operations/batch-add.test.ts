import { DatasetError, type DatasetTransaction, type FrameDataset, HashEmbedder, type NewRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, CollectingProgressSink, CoreError } from '../../src/index.js';
import { documents, FaultInjectingEmbedder, HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset } from '../fixtures.js';

let t: TestDataset;

beforeEach(async () => {
  t = await openTestDataset();
});

afterEach(async () => {
  await t.close();
});

async function seed(): Promise<void> {
  await batchAdd({ documents: [{ content: 'existing one', metadata: { uuid: ID(1) } }, { content: 'existing two', metadata: { uuid: ID(2) } }] }, t.context());
}

/** Fault injector: the same dataset, except that `tx.add` first runs `check` on the records it gets. */
function withFaultyAdds(dataset: FrameDataset, check: (records: readonly NewRecord[]) => void): FrameDataset {
  const bind = <T extends object>(target: T, override: (property: string | symbol) => unknown): T =>
    new Proxy(target, {
      get(inner, property) {
        const replaced = override(property);
        if (replaced !== undefined) return replaced;
        const value: unknown = Reflect.get(inner, property, inner);
        return typeof value === 'function' ? value.bind(inner) : value;
      },
    });
  return bind(dataset, (property) =>
    property === 'transaction'
      ? <T>(fn: (tx: DatasetTransaction) => Promise<T>, options?: { signal?: AbortSignal }) =>
          dataset.transaction(
            (tx) =>
              fn(
                bind(tx, (name) =>
                  name === 'add'
                    ? async (records: readonly NewRecord[], writeOptions?: object) => {
                        check(records);
                        return tx.add(records, writeOptions);
                      }
                    : undefined,
                ),
              ),
            options,
          )
      : undefined,
  );
}

async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected the call to fail');
}

describe('batch_add', () => {
  it('adds every document in one call and returns their ids in input order', async () => {
    const result = await batchAdd({ documents: documents(5) }, t.context());
    expect(result).toMatchObject({ success: true, atomic: true, documents_added: 5, documents_failed: 0, chunks_created: 0, errors: [] });
    expect(result.document_ids).toHaveLength(5);
    const stored = await t.dataset.get(result.document_ids as string[]);
    expect(stored.map((record) => record.content)).toEqual(documents(5).map((doc) => doc.content));
    expect(stored.map((record) => record.metadata)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(result.progress).toMatchObject({ total: 5, current: 5, status: 'succeeded' });
  });

  it('fills record fields from metadata keys that name them and keeps the rest as metadata', async () => {
    const result = await batchAdd(
      {
        documents: [
          {
            content: 'body',
            metadata: {
              uuid: ID(7).toUpperCase(),
              title: 'A title',
              context: 'Some context',
              tags: ['a', 'b'],
              collection: 'own',
              record_type: 'note',
              source_uri: 'file:///x.md',
              author: 'ann',
              nested: { deep: [1, 2] },
            },
          },
        ],
        shared_settings: { collection: 'shared' },
      },
      t.context(),
    );
    expect(result.document_ids).toEqual([ID(7)]);
    const [record] = await t.dataset.get([ID(7)]);
    expect(record).toMatchObject({
      uuid: ID(7),
      title: 'A title',
      context: 'Some context',
      tags: ['a', 'b'],
      collection: 'own',
      record_type: 'note',
      source_uri: 'file:///x.md',
      metadata: { author: 'ann', nested: { deep: [1, 2] } },
    });
  });

  it('puts documents without their own collection into shared_settings.collection', async () => {
    const result = await batchAdd({ documents: documents(3), shared_settings: { collection: 'inbox' } }, t.context());
    expect((await t.dataset.get(result.document_ids as string[])).map((record) => record.collection)).toEqual(['inbox', 'inbox', 'inbox']);
  });

  it('embeds every document with the embedder and records its model', async () => {
    const result = await batchAdd({ documents: documents(4) }, t.context());
    const records = await t.dataset.get(result.document_ids as string[]);
    const expected = await t.embedder.embed(records.map((record) => record.content));
    records.forEach((record, i) => { expect(Array.from(record.embedding!)).toEqual(Array.from(expected[i]!)); });
    expect(t.dataset.embeddingInfo).toEqual({ model: t.embedder.id, dimensions: 64 });
  });

  it('stores no vectors when generate_embeddings is false', async () => {
    await batchAdd({ documents: documents(3), shared_settings: { generate_embeddings: false } }, t.context());
    expect((await t.dataset.stats()).with_embeddings).toBe(0);
    expect(t.dataset.embeddingInfo).toBeNull();
  });

  it('gives a document with blank content no vector', async () => {
    const result = await batchAdd({ documents: [{ content: '   ' }, { content: 'words' }] }, t.context());
    const records = await t.dataset.get(result.document_ids as string[]);
    expect(records[0]!.embedding).toBeNull();
    expect(records[1]!.embedding).not.toBeNull();
  });

  it('with chunk_size stores each document whole plus its chunks, linked by parent_id and chunk_index, all embedded', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} talks about subject ${i}.`).join(' ');
    const result = await batchAdd(
      { documents: [{ content: long, metadata: { title: 'Long', topic: 'x' } }, { content: 'short text' }], shared_settings: { chunk_size: 200, chunk_overlap: 20, collection: 'c' } },
      t.context(),
    );
    const [longId, shortId] = result.document_ids as string[];
    const stored = await t.dataset.get([longId!, shortId!], { includeChunks: true });
    const longChunks = stored.filter((record) => record.parent_id === longId);
    const shortChunks = stored.filter((record) => record.parent_id === shortId);
    expect(longChunks.length).toBeGreaterThan(3);
    expect(shortChunks).toHaveLength(1);
    expect(result.chunks_created).toBe(longChunks.length + 1);
    expect(result.documents_added).toBe(2);
    const doc = stored.find((record) => record.uuid === longId)!;
    expect(doc).toMatchObject({ record_type: 'document', content: long, title: 'Long', collection: 'c' });
    longChunks.forEach((chunk, i) => {
      expect(chunk).toMatchObject({ record_type: 'chunk', chunk_index: i, collection: 'c', title: 'Long', metadata: { topic: 'x' } });
      expect(chunk.content.length).toBeLessThanOrEqual(200);
      expect(long.includes(chunk.content)).toBe(true);
      expect(chunk.embedding).not.toBeNull();
    });
    expect(doc.embedding).not.toBeNull();
    // The document's own vector is the normalized mean of its chunks' vectors.
    const norm = Math.hypot(...Array.from(doc.embedding!));
    expect(norm).toBeCloseTo(1, 5);
    expect((await t.dataset.stats()).chunks).toBe(result.chunks_created);
  });

  it('rejects chunk_overlap without chunk_size, or not smaller than it, before writing', async () => {
    expect((await rejection(batchAdd({ documents: documents(1), shared_settings: { chunk_overlap: 5 } }, t.context()))).code).toBe('INVALID_INPUT');
    expect((await rejection(batchAdd({ documents: documents(1), shared_settings: { chunk_size: 10, chunk_overlap: 10 } }, t.context()))).code).toBe('INVALID_INPUT');
    expect(await t.dataset.count()).toBe(0);
  });

  it('rejects malformed input with INVALID_INPUT naming the field', async () => {
    const error = await rejection(batchAdd({ documents: [] }, t.context()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('documents');
    expect((await rejection(batchAdd({ documents: documents(1), atomic: 'yes' } as never, t.context()))).message).toContain('atomic');
  });

  it('fails with BATCH_TOO_LARGE above the configured document limit, writing nothing', async () => {
    const error = await rejection(batchAdd({ documents: documents(5) }, t.context({ limits: { maxAddDocuments: 4 } })));
    expect(error.code).toBe('BATCH_TOO_LARGE');
    expect(await t.dataset.count()).toBe(0);
  });

  describe('atomic (default)', () => {
    it('writes nothing and fails with TX_ROLLED_BACK naming the document when one document is invalid', async () => {
      await seed();
      const before = await snapshot(t.dataset);
      const docs = documents(6);
      docs[4] = { content: 'bad', metadata: { tags: 'not-a-list' } };
      const error = await rejection(batchAdd({ documents: docs }, t.context()));
      expect(error.code).toBe('TX_ROLLED_BACK');
      expect(error.message).toContain('document 4');
      expect(error.message).toContain('tags');
      expect(error.data).toMatchObject({ item_index: 4, code: 'INVALID_INPUT' });
      expect(await snapshot(t.dataset)).toEqual(before);
    });

    it('treats a document whose content is not text as that document failing', async () => {
      const docs: unknown[] = documents(3);
      docs[1] = { content: 42 };
      const error = await rejection(batchAdd({ documents: docs } as never, t.context()));
      expect(error.code).toBe('TX_ROLLED_BACK');
      expect(error.data).toMatchObject({ item_index: 1 });
      expect(error.message).toContain('documents[1].content');
      expect(await t.dataset.count()).toBe(0);
    });

    it('fails a document with keys besides content and metadata, saying where record fields go', async () => {
      const error = await rejection(batchAdd({ documents: [{ content: 'x', title: 'top-level title' }] } as never, t.context()));
      expect(error.code).toBe('TX_ROLLED_BACK');
      expect(error.message).toContain('title');
      expect(error.message).toContain('go in metadata');
    });

    it('writes nothing when a document reuses an existing uuid, and says DUPLICATE_ID', async () => {
      await seed();
      const before = await snapshot(t.dataset);
      const docs = documents(5);
      docs[3] = { content: 'clash', metadata: { uuid: ID(2) } };
      const error = await rejection(batchAdd({ documents: docs }, t.context()));
      expect(error.code).toBe('TX_ROLLED_BACK');
      expect(error.data).toMatchObject({ item_index: 3, code: 'DUPLICATE_ID' });
      expect(error.message).toContain(ID(2));
      expect(await snapshot(t.dataset)).toEqual(before);
    });

    it('writes nothing when two documents of the batch share a uuid', async () => {
      const docs = documents(3);
      docs[0] = { content: 'a', metadata: { uuid: ID(5) } };
      docs[2] = { content: 'b', metadata: { uuid: ID(5) } };
      const error = await rejection(batchAdd({ documents: docs }, t.context()));
      expect(error.data).toMatchObject({ item_index: 2, code: 'DUPLICATE_ID' });
      expect(await t.dataset.count()).toBe(0);
    });

    it('writes nothing when the store rejects a record mid-write, naming that document', async () => {
      await seed();
      const before = await snapshot(t.dataset);
      const docs = documents(8);
      docs[6] = { content: 'not json', metadata: { value: Number.NaN } };
      // Small write batches: earlier batches were already appended inside the transaction when this one fails.
      const error = await rejection(batchAdd({ documents: docs }, t.context({ limits: { writeBatchSize: 2 } })));
      expect(error.code).toBe('TX_ROLLED_BACK');
      expect(error.data).toMatchObject({ item_index: 6, code: 'INVALID_RECORD' });
      expect(await snapshot(t.dataset)).toEqual(before);
    });

    it('fails with EMBEDDING_MISMATCH, before embedding, when the dataset holds vectors of another model', async () => {
      const other = new HashEmbedder({ dimensions: 32 });
      await batchAdd({ documents: documents(2) }, t.context({ embedder: other }));
      const before = await snapshot(t.dataset);
      const error = await rejection(batchAdd({ documents: documents(3) }, t.context()));
      expect(error.code).toBe('EMBEDDING_MISMATCH');
      expect(error.message).toContain(other.id);
      expect(await snapshot(t.dataset)).toEqual(before);
    });
  });

  describe('non-atomic', () => {
    it('writes the good documents and lists each bad one with its index and code', async () => {
      await seed();
      const docs = documents(6);
      docs[1] = { content: 'bad tags', metadata: { tags: 3 } };
      docs[4] = { content: 'clash', metadata: { uuid: ID(1) } };
      const result = await batchAdd({ documents: docs, atomic: false }, t.context());
      expect(result).toMatchObject({ success: false, atomic: false, documents_added: 4, documents_failed: 2, documents_skipped: 0 });
      expect(result.errors.map((error) => [error.item_index, error.code])).toEqual([
        [1, 'INVALID_INPUT'],
        [4, 'DUPLICATE_ID'],
      ]);
      expect(result.document_ids[1]).toBeNull();
      expect(result.document_ids[4]).toBeNull();
      const written = result.document_ids.filter((id): id is string => id !== null);
      expect(written).toHaveLength(4);
      expect(await t.dataset.count()).toBe(6);
      expect((await t.dataset.get([ID(1)]))[0]!.content).toBe('existing one');
    });

    it('keeps the other documents of a chunk when the store rejects one of them', async () => {
      const docs = documents(5);
      docs[2] = { content: 'bad', metadata: { value: Number.POSITIVE_INFINITY } };
      const result = await batchAdd({ documents: docs, atomic: false }, t.context());
      expect(result.documents_added).toBe(4);
      expect(result.errors).toEqual([expect.objectContaining({ item_index: 2, code: 'INVALID_RECORD' })]);
      expect(await t.dataset.count()).toBe(4);
    });

    it('tries each document alone when the store fails a chunk without naming a record (injected fault)', async () => {
      const dataset = withFaultyAdds(t.dataset, (records) => {
        if (records.some((record) => record.content?.includes('REJECT'))) throw new DatasetError('INVALID_ARGUMENT', 'injected fault: the store refused the batch');
      });
      const docs = documents(6, (i) => (i === 3 ? { content: 'REJECT me' } : {}));
      const result = await batchAdd({ documents: docs, atomic: false }, { dataset, embedder: t.embedder });
      expect(result.documents_added).toBe(5);
      expect(result.errors).toEqual([expect.objectContaining({ item_index: 3, code: 'INVALID_ARGUMENT' })]);
      expect(await t.dataset.count()).toBe(5);
    });

    it('retries a chunk that hit a write-write conflict', async () => {
      let conflicts = 1;
      const dataset = withFaultyAdds(t.dataset, () => {
        if (conflicts-- > 0) throw new DatasetError('TX_CONFLICT', 'injected fault: concurrent writer', { retryable: true });
      });
      const result = await batchAdd({ documents: documents(4), atomic: false }, { dataset, embedder: t.embedder });
      expect(result).toMatchObject({ success: true, documents_added: 4 });
      expect(await t.dataset.count()).toBe(4);
    });

    it('stops after max_errors failures and reports the rest as skipped', async () => {
      const docs = documents(40, (i) => (i % 2 === 1 ? { metadata: { tags: 'bad' } } : {}));
      const result = await batchAdd({ documents: docs, atomic: false, max_errors: 3 }, t.context());
      expect(result.stopped).toBe('max_errors');
      expect(result.success).toBe(false);
      expect(result.documents_failed).toBe(20);
      expect(result.documents_added).toBe(0);
      expect(result.documents_skipped).toBe(20);
      expect(await t.dataset.count()).toBe(0);
    });

    it('stops starting chunks once embedding failures exceed max_errors', async () => {
      const embedder = new FaultInjectingEmbedder('POISON');
      const docs = documents(40, (i) => (i >= 4 ? { content: `POISON ${i}` } : {}));
      const result = await batchAdd({ documents: docs, atomic: false, max_errors: 1, max_parallel: 1 }, t.context({ embedder }));
      expect(result.stopped).toBe('max_errors');
      expect(result.documents_added).toBe(4);
      expect(result.documents_failed + result.documents_added + result.documents_skipped).toBe(40);
      expect(result.documents_skipped).toBeGreaterThan(0);
      expect(await t.dataset.count()).toBe(4);
    });

    it('fails every document of a chunk at once, without retries per document, on a retryable embedder failure', async () => {
      const embedder = new FaultInjectingEmbedder('Document', { retryable: true });
      const result = await batchAdd({ documents: documents(6), atomic: false }, t.context({ embedder }));
      expect(result.documents_failed).toBe(6);
      expect(result.errors.every((error) => error.code === 'EMBEDDER_FAILED')).toBe(true);
      // One call per chunk of documents and no bisection.
      expect(embedder.calls).toBe(6);
    });
  });

  it('embeds chunks of documents in parallel and still returns ids in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const embedder = new HookedEmbedder(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    });
    const docs = documents(60, (i) => ({ metadata: { uuid: ID(100 + i) } }));
    const result = await batchAdd({ documents: docs, max_parallel: 3 }, t.context({ embedder }));
    expect(result.document_ids).toEqual(docs.map((_, i) => ID(100 + i)));
    expect(peak).toBe(3);
    expect(await t.dataset.count()).toBe(60);
  });
});

describe('batch_add fault injection: the embedder fails on the 3rd of 10 documents', () => {
  const docs = documents(10, (i) => (i === 2 ? { content: 'third document INJECTED-FAULT here' } : {}));

  it('atomic: rolls back every row and leaves the dataset exactly as it was', async () => {
    await seed();
    const before = await snapshot(t.dataset);
    const embedder = new FaultInjectingEmbedder('INJECTED-FAULT');
    const error = await rejection(batchAdd({ documents: docs }, t.context({ embedder })));
    expect(error.code).toBe('TX_ROLLED_BACK');
    expect(error.data).toMatchObject({ item_index: 2, code: 'EMBEDDER_FAILED' });
    expect(error.message).toContain('document 2');
    expect(error.message).toContain('INJECTED-FAULT');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('non-atomic: writes the other 9 and reports the 3rd', async () => {
    const embedder = new FaultInjectingEmbedder('INJECTED-FAULT');
    const result = await batchAdd({ documents: docs, atomic: false }, t.context({ embedder }));
    expect(result).toMatchObject({ success: false, documents_added: 9, documents_failed: 1, documents_skipped: 0 });
    expect(result.errors).toEqual([expect.objectContaining({ item_index: 2, code: 'EMBEDDER_FAILED' })]);
    expect(result.document_ids[2]).toBeNull();
    expect(result.document_ids.filter((id) => id !== null)).toHaveLength(9);
    expect(await t.dataset.count()).toBe(9);
    const stored = await t.dataset.get(result.document_ids.filter((id): id is string => id !== null));
    expect(stored.every((record) => record.embedding !== null)).toBe(true);
  });

  it('non-atomic with chunking: the failing document writes neither itself nor any chunk', async () => {
    const embedder = new FaultInjectingEmbedder('INJECTED-FAULT');
    const result = await batchAdd({ documents: docs, atomic: false, shared_settings: { chunk_size: 20 } }, t.context({ embedder }));
    expect(result.documents_added).toBe(9);
    const stats = await t.dataset.stats();
    expect(stats.documents).toBe(9);
    expect(stats.chunks).toBe(result.chunks_created);
    expect(await t.dataset.count(`content LIKE '%INJECTED%'`)).toBe(0);
  });
});

describe('batch_add cancellation', () => {
  it('atomic: aborting mid-batch leaves the dataset unchanged and fails with CANCELLED', async () => {
    await seed();
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const embedder = new HookedEmbedder((call) => {
      if (call === 3) controller.abort(new Error('user pressed stop'));
    });
    const sink = new CollectingProgressSink();
    const error = await rejection(batchAdd({ documents: documents(100), max_parallel: 1 }, t.context({ embedder, signal: controller.signal, progress: sink })));
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toMatch(/cancelled/i);
    expect(await snapshot(t.dataset)).toEqual(before);
    // No chunk started after the abort.
    expect(embedder.calls).toBe(3);
    expect(sink.ofType('complete')[0]!.summary).toMatchObject({ status: 'cancelled', code: 'CANCELLED' });
  });

  it('atomic: a signal that fires during the write transaction rolls it back', async () => {
    const controller = new AbortController();
    const original = t.dataset.transaction.bind(t.dataset);
    // The same dataset, except that its transactions fire the signal as soon as they open.
    const dataset = new Proxy(t.dataset, {
      get(target, property) {
        if (property === 'transaction') {
          return (fn: Parameters<typeof original>[0], options: Parameters<typeof original>[1]) =>
            original(async (tx) => {
              controller.abort();
              return fn(tx);
            }, options);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const error = await rejection(batchAdd({ documents: documents(10) }, { dataset, embedder: t.embedder, signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(await t.dataset.count()).toBe(0);
  });

  it('fails with CANCELLED and writes nothing when the signal fired before the call', async () => {
    const error = await rejection(batchAdd({ documents: documents(3) }, t.context({ signal: AbortSignal.abort() })));
    expect(error.code).toBe('CANCELLED');
    expect(await t.dataset.count()).toBe(0);
  });

  it('non-atomic: stops before the next chunk, keeps what was committed and reports the call as cancelled', async () => {
    const controller = new AbortController();
    const embedder = new HookedEmbedder((call) => {
      if (call === 3) controller.abort();
    });
    const result = await batchAdd({ documents: documents(100), atomic: false, max_parallel: 1 }, t.context({ embedder, signal: controller.signal }));
    expect(result.stopped).toBe('cancelled');
    expect(result.success).toBe(false);
    expect(result.progress.status).toBe('cancelled');
    const written = result.document_ids.filter((id): id is string => id !== null);
    expect(written.length).toBe(result.documents_added);
    expect(result.documents_added).toBeGreaterThan(0);
    expect(result.documents_skipped).toBe(100 - result.documents_added);
    expect(await t.dataset.count()).toBe(result.documents_added);
    expect(await t.dataset.get(written)).toHaveLength(written.length);
  });
});

describe('batch_add progress', () => {
  it('a 50-document batch emits start(total=50), increasing progress ending at 50, one event per document, then complete', async () => {
    const sink = new CollectingProgressSink();
    await batchAdd({ documents: documents(50) }, t.context({ progress: sink }));
    const types = sink.events.map((event) => event.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('complete');
    expect(sink.ofType('start')).toEqual([expect.objectContaining({ operation: 'batch_add', total: 50 })]);
    const progress = sink.ofType('progress');
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.current).toBeGreaterThan(progress[i - 1]!.current);
    expect(progress.every((event) => event.total === 50 && event.message.length > 0)).toBe(true);
    expect(progress.at(-1)!.current).toBe(50);
    expect(sink.ofType('item').map((event) => event.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(sink.ofType('complete')[0]!.summary).toMatchObject({ status: 'succeeded', total: 50, succeeded: 50, failed: 0, skipped: 0 });
  });

  it('non-atomic: reaches total too, with an error event for each failed document', async () => {
    const sink = new CollectingProgressSink();
    const docs = documents(50, (i) => (i % 10 === 0 ? { metadata: { tags: 1 } } : {}));
    await batchAdd({ documents: docs, atomic: false }, t.context({ progress: sink }));
    const progress = sink.ofType('progress');
    expect(progress.at(-1)!.current).toBe(50);
    expect(sink.ofType('item').filter((event) => !event.ok)).toHaveLength(5);
    expect(sink.ofType('complete')[0]!.summary).toMatchObject({ status: 'partial', succeeded: 45, failed: 5 });
  });
});
