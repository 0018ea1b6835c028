// Results over the response budget (maxResponseBytes): each batch tool's trim keeps the leading entries of its
// lists, says how many it left out and stays within the budget; what cannot be trimmed is refused or, for a
// write that already happened, delivered with a warning.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import { documents, type Harness, openHarness, type ToolResult } from '../fixtures.js';

const BUDGET = 4096;
const unknownIds = (count: number) => Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

async function open(budget = BUDGET, log?: (text: string) => void): Promise<Harness> {
  dir = mkdtempSync(join(tmpdir(), 'cf-transport-budget-'));
  h = await openHarness({
    maxResponseBytes: budget,
    allowedRoots: [dir],
    ...(log === undefined ? {} : { logger: createLogger({ level: 'warn', stream: { write: log } }) }),
  });
  return h;
}

/** The result is a success within the budget whose `list` was cut, the kept and omitted entries adding up to `total`. */
function expectTrimmed(result: ToolResult, list: string, total: number): Record<string, any> {
  expect(result.isError).toBeFalsy();
  const text = (result.content[0] as { text: string }).text;
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(BUDGET);
  const sc = result.structuredContent!;
  expect(JSON.parse(text)).toEqual(sc);
  expect(sc.truncated).toBe(true);
  expect(sc[list].length).toBeGreaterThan(0);
  expect(sc[list].length + sc.omitted[list]).toBe(total);
  return sc;
}

describe('results over the response budget', () => {
  it('batch_add keeps the first document ids, and every document is still added', async () => {
    const harness = await open();
    const sc = expectTrimmed(await harness.call('batch_add', { documents: documents(150) }), 'document_ids', 150);
    expect(sc.documents_added).toBe(150);
    expect(await harness.dataset.count()).toBe(150);
    expect(sc.document_ids).toEqual((await harness.dataset.get(sc.document_ids)).map((record) => record.uuid));
  });

  it('batch_update keeps the first not_found ids, in input order', async () => {
    const harness = await open();
    const ids = unknownIds(150);
    const sc = expectTrimmed(await harness.call('batch_update', { document_ids: ids, updates: { metadata_updates: { seen: true } } }), 'not_found', 150);
    expect(sc.not_found).toEqual(ids.slice(0, sc.not_found.length));
    expect(sc.documents_updated).toBe(0);
  });

  it('batch_delete (a dry run) keeps the first not_found ids and deletes nothing', async () => {
    const harness = await open();
    await harness.call('batch_add', { documents: documents(3) });
    const ids = unknownIds(150);
    const sc = expectTrimmed(await harness.call('batch_delete', { document_ids: ids }), 'not_found', 150);
    expect(sc).toMatchObject({ dry_run: true, documents_to_delete: 0 });
    expect(sc.not_found).toEqual(ids.slice(0, sc.not_found.length));
    expect(await harness.dataset.count()).toBe(3);
  });

  it('batch_export keeps the first files in the result, and writes every file', async () => {
    const harness = await open();
    await harness.call('batch_add', { documents: documents(60) });
    const sc = expectTrimmed(await harness.call('batch_export', { format: 'jsonl', output_path: join(dir!, 'out', 'part.jsonl'), chunk_size: 1 }), 'files', 60);
    expect(sc.documents_exported).toBe(60);
    expect(sc.files[0]).toMatchObject({ path: join(dir!, 'out', 'part-00001.jsonl'), documents: 1 });
    expect(readdirSync(join(dir!, 'out'))).toHaveLength(60);
  });

  it('batch_import keeps the first row errors and imports nothing from a file of conflicting rows', async () => {
    const harness = await open();
    await harness.call('batch_add', { documents: documents(150) });
    const ids = await harness.dataset.ids(null, 1000);
    const file = join(dir!, 'conflicts.jsonl');
    writeFileSync(file, ids.map((uuid) => JSON.stringify({ uuid, content: 'again' })).join('\n'));
    const sc = expectTrimmed(await harness.call('batch_import', { source_path: file, validation: { max_errors: 1000 } }), 'errors', 150);
    expect(sc.errors[0]).toMatchObject({ row: 1 });
    expect(await harness.dataset.count()).toBe(150);
    expect(await harness.dataset.count("content = 'again'")).toBe(0);
  });

  it('batch_enhance keeps the first per-record results, and every record is enhanced', async () => {
    const harness = await open();
    await harness.call('batch_add', { documents: documents(40) });
    const sc = expectTrimmed(await harness.call('batch_enhance', { filter: 'n >= 0', enhancements: ['title', 'tags'] }), 'results', 40);
    expect(sc.documents_enhanced).toBe(40);
    expect(await harness.dataset.count('title IS NULL')).toBe(0);
  });

  it('refuses a read-only result with nothing left to trim as RESPONSE_TOO_LARGE', async () => {
    const harness = await open();
    // No hits to cut: the queries themselves, echoed back, are over the budget.
    const queries = Array.from({ length: 40 }, (_, i) => ({ query: `nothing matches this rather long query number ${i} ${'padding '.repeat(10)}` }));
    const result = await harness.call('batch_search', { queries });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', details: { budget: BUDGET } });
    expect(result.structuredContent!.error.details.bytes).toBeGreaterThan(BUDGET);
  });

  it('delivers a write\'s result even when trimming cannot bring it under the budget, and logs a warning', async () => {
    let log = '';
    const harness = await open(200, (text) => (log += text));
    const result = await harness.call('batch_add', { documents: documents(5) });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ success: true, documents_added: 5, truncated: true, omitted: { document_ids: 5 } });
    expect(log).toMatch(/warn contextframe: batch_add result is \d+ bytes, over the 200-byte response budget/);
    expect(await harness.dataset.count()).toBe(5);
  });
});
