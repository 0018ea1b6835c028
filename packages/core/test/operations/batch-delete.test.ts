import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchDelete, CollectingProgressSink } from '../../src/index.js';
import { ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;

beforeEach(async () => {
  t = await openTestDataset();
  await batchAdd(
    {
      documents: Array.from({ length: 10 }, (_, i) => ({
        content: `Doc ${i}: ${'word '.repeat(40)}`,
        metadata: { uuid: ID(i), collection: i < 6 ? 'old' : 'new', n: i },
      })),
      shared_settings: { chunk_size: 60 },
    },
    t.context(),
  );
});

afterEach(async () => {
  await t.close();
});

describe('batch_delete', () => {
  it('is a dry run by default: reports what matches and deletes nothing', async () => {
    const before = await snapshot(t.dataset);
    const result = await batchDelete({ filter: "collection = 'old' AND record_type = 'document'" }, t.context());
    expect(result).toMatchObject({ success: true, dry_run: true, documents_to_delete: 6, truncated: false });
    expect(result.dry_run && result.document_ids).toEqual([0, 1, 2, 3, 4, 5].map(ID));
    expect(await snapshot(t.dataset)).toEqual(before);
    expect(result.progress).toMatchObject({ status: 'succeeded', total: 6, current: 6 });
  });

  it('lists at most 100 ids in a dry run and says when it truncated', async () => {
    await batchAdd({ documents: Array.from({ length: 120 }, (_, i) => ({ content: `x ${i}`, metadata: { collection: 'many' } })) }, t.context());
    const result = await batchDelete({ filter: "collection = 'many'" }, t.context());
    expect(result).toMatchObject({ dry_run: true, documents_to_delete: 120, truncated: true });
    expect(result.dry_run && result.document_ids).toHaveLength(100);
  });

  it('deletes the selected documents and their chunks in one transaction', async () => {
    const chunksBefore = await t.dataset.count(`record_type = 'chunk'`);
    const oldChunks = await t.dataset.count(`record_type = 'chunk' AND collection = 'old'`);
    const result = await batchDelete({ filter: "collection = 'old' AND record_type = 'document'", dry_run: false }, t.context());
    expect(result).toMatchObject({ success: true, dry_run: false, documents_deleted: 6, not_found: [], chunks_deleted: oldChunks });
    expect(await t.dataset.ids(`record_type = 'document'`)).toEqual([6, 7, 8, 9].map(ID));
    expect(await t.dataset.count(`record_type = 'chunk'`)).toBe(chunksBefore - oldChunks);
    expect(await t.dataset.count(`collection = 'old'`)).toBe(0);
  });

  it('counts every selected record once when a filter selects documents and their chunks together', async () => {
    const matching = await t.dataset.count(`collection = 'old'`);
    // Tiny delete batches: a chunk may go with its document in one batch and be asked for again in a later one.
    const result = await batchDelete({ filter: "collection = 'old'", dry_run: false, confirm_count: matching }, t.context({ limits: { writeBatchSize: 3 } }));
    expect(result).toMatchObject({ documents_deleted: matching, chunks_deleted: 0 });
    expect(await t.dataset.count(`collection = 'old'`)).toBe(0);
  });

  it('deletes by document_ids, lists unknown ids in not_found and does not count them as deleted', async () => {
    const result = await batchDelete({ document_ids: [ID(1), ID(404), 'nope', ID(2), ID(1)], dry_run: false }, t.context());
    expect(result).toMatchObject({ dry_run: false, documents_deleted: 2, not_found: [ID(404), 'nope'] });
    expect(await t.dataset.get([ID(1), ID(2)])).toEqual([]);
    expect(await t.dataset.count(`parent_id = '${ID(1)}'`)).toBe(0);
    expect((await t.dataset.get([ID(3)])).length).toBe(1);
  });

  it('reports not_found in a dry run by ids too', async () => {
    const result = await batchDelete({ document_ids: [ID(1), ID(404)] }, t.context());
    expect(result).toMatchObject({ dry_run: true, documents_to_delete: 1, not_found: [ID(404)] });
  });

  it('deletes when confirm_count equals the number of existing matches', async () => {
    const result = await batchDelete({ document_ids: [ID(7), ID(8), ID(404)], dry_run: false, confirm_count: 2 }, t.context());
    expect(result).toMatchObject({ documents_deleted: 2 });
  });

  it('fails with CONFIRM_COUNT_MISMATCH ("expected N, found M") and deletes nothing when confirm_count differs', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchDelete({ filter: "collection = 'new' AND record_type = 'document'", dry_run: false, confirm_count: 3 }, t.context()));
    expect(error.code).toBe('CONFIRM_COUNT_MISMATCH');
    expect(error.message).toContain('expected 3, found 4');
    expect(error.data).toEqual({ expected: 3, found: 4 });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('does not count unknown ids toward confirm_count', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchDelete({ document_ids: [ID(1), ID(404)], dry_run: false, confirm_count: 2 }, t.context()));
    expect(error.message).toContain('expected 2, found 1');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('checks confirm_count in a dry run too', async () => {
    const error = await rejection(batchDelete({ document_ids: [ID(1)], confirm_count: 5 }, t.context()));
    expect(error.code).toBe('CONFIRM_COUNT_MISMATCH');
  });

  it('reports the full count in a dry run above the delete limit, with a warning that a real delete would fail', async () => {
    const result = await batchDelete({ filter: "record_type = 'document'" }, t.context({ limits: { maxDeleteDocuments: 5 } }));
    expect(result).toMatchObject({ dry_run: true, documents_to_delete: 10 });
    expect(result.dry_run && result.warning).toContain('MAX_DOCUMENTS_EXCEEDED');
  });

  it('rejects unknown input keys instead of ignoring them (a misspelt confirm_count must not delete unchecked)', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchDelete({ document_ids: [ID(1)], dry_run: false, confirmCount: 5 } as never, t.context()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('confirmCount');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('fails with MAX_DOCUMENTS_EXCEEDED and deletes nothing above the delete limit', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchDelete({ filter: "record_type = 'document'", dry_run: false }, t.context({ limits: { maxDeleteDocuments: 5 } })));
    expect(error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(error.data).toEqual({ matched: 10, limit: 5 });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('requires exactly one of filter and document_ids', async () => {
    expect((await rejection(batchDelete({ filter: "n = 1", document_ids: [ID(1)], dry_run: false }, t.context()))).code).toBe('INVALID_INPUT');
    expect((await rejection(batchDelete({ dry_run: false }, t.context()))).code).toBe('INVALID_INPUT');
    expect((await rejection(batchDelete({ document_ids: [], dry_run: false }, t.context()))).code).toBe('INVALID_INPUT');
  });

  it('fails with the filter error code on a bad filter', async () => {
    expect((await rejection(batchDelete({ filter: "collection = 'old", dry_run: false }, t.context()))).code).toBe('FILTER_SYNTAX');
  });

  it('deletes nothing when cancelled before or during the transaction', async () => {
    const before = await snapshot(t.dataset);
    expect((await rejection(batchDelete({ filter: 'n >= 0', dry_run: false }, t.context({ signal: AbortSignal.abort() })))).code).toBe('CANCELLED');
    const controller = new AbortController();
    const sink = {
      start: () => controller.abort(),
      progress: () => {},
      item: () => {},
      complete: () => {},
    };
    const error = await rejection(batchDelete({ filter: 'n >= 0', dry_run: false }, t.context({ signal: controller.signal, progress: sink })));
    expect(error.code).toBe('CANCELLED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('reports progress that reaches total after the commit, and an event per deleted record', async () => {
    const sink = new CollectingProgressSink();
    await batchDelete({ filter: "record_type = 'document'", dry_run: false }, t.context({ progress: sink }));
    expect(sink.ofType('start')[0]!.total).toBe(10);
    const progress = sink.ofType('progress');
    expect(progress.at(-1)).toMatchObject({ current: 10, total: 10 });
    expect(sink.ofType('item')).toHaveLength(10);
    expect(sink.ofType('complete')[0]!.summary.status).toBe('succeeded');
  });
});
