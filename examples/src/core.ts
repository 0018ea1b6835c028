// @contextframe/core: the batch operations without MCP. batchAdd reports to a progress sink and is all or
// nothing; batchSearch runs many queries in one call, each failing on its own; batchDelete is a dry run first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchAdd, batchDelete, batchSearch, CollectingProgressSink, isCoreError, type BatchContext } from '@contextframe/core';
import { FrameDataset, HashEmbedder } from '@contextframe/dataset';

const folder = mkdtempSync(join(tmpdir(), 'contextframe-example-'));
const dataset = await FrameDataset.open({ path: join(folder, 'kb.duckdb') });
const controller = new AbortController(); // abort() cancels a running batch; an atomic one then writes nothing
const context: BatchContext = { dataset, embedder: new HashEmbedder(), signal: controller.signal };

try {
  // Inputs are what an agent would send as tool arguments, validated by the operation (zod).
  const progress = new CollectingProgressSink();
  const added = await batchAdd(
    {
      documents: [
        { content: 'Reset a password from the account page; the link expires after an hour.', metadata: { title: 'Password reset', tags: ['account'] } },
        { content: 'Invoices are emailed on the first day of each month as PDF files.', metadata: { title: 'Invoices', tags: ['billing'] } },
        { content: 'Refunds go back to the original card within ten working days.', metadata: { title: 'Refunds', tags: ['billing'] } },
        { content: 'Two-factor login accepts any TOTP app and one-time recovery codes.', metadata: { title: 'Two-factor login', tags: ['account'], status: 'draft' } },
      ],
      shared_settings: { collection: 'help' },
    },
    { ...context, progress },
  );
  console.log(`batchAdd: ${added.documents_added} added, ${added.documents_failed} failed, status ${added.progress.status}`);
  console.log(`progress events: ${progress.events.map((event) => event.type).filter((type, i, all) => type !== all[i - 1]).join(' -> ')}`);

  // Atomic by default: one failing document (here, a uuid that is taken) and nothing is written.
  try {
    await batchAdd(
      {
        documents: [
          { content: 'Orders ship within three working days.', metadata: { title: 'Shipping' } },
          { content: 'Reset a password from the account page.', metadata: { uuid: added.document_ids[0]! } },
        ],
      },
      context,
    );
  } catch (error) {
    if (!isCoreError(error)) throw error;
    const failure = error.data as { item_index: number; code: string };
    console.log(`atomic batchAdd: ${error.code} (document ${failure.item_index}: ${failure.code}); still ${await dataset.count()} records`);
  }

  // Queries are embedded together and run in one pass; a bad filter fails only its own query.
  const found = await batchSearch(
    {
      queries: [
        { query: 'how do refunds work', limit: 2 },
        { query: 'login password', search_type: 'text', filter: "'account' IN tags AND status IS NULL" },
        { query: 'invoices', filter: "tags CONTAINS" },
      ],
    },
    context,
  );
  for (const result of found.results) {
    const outcome = result.success ? result.results.map((hit) => hit.title).join(', ') : `${result.code}`;
    console.log(`batchSearch "${result.query}" (${result.search_type}): ${outcome}`);
  }

  // Deleting takes two calls: a dry run that counts, then the delete with that count confirmed.
  const dryRun = await batchDelete({ filter: "'billing' IN tags" }, context);
  if (!dryRun.dry_run) throw new Error('expected a dry run');
  const deleted = await batchDelete({ filter: "'billing' IN tags", dry_run: false, confirm_count: dryRun.documents_to_delete }, context);
  if (deleted.dry_run) throw new Error('expected a delete');
  console.log(`batchDelete: dry run found ${dryRun.documents_to_delete}, deleted ${deleted.documents_deleted}; ${await dataset.count()} records left`);
} finally {
  await dataset.close();
  rmSync(folder, { recursive: true, force: true });
}
