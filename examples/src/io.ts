// @contextframe/io: read a CSV from another tool into records (field mapping, row errors), store them, write
// the dataset back out as CSV, and read that file again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDataset, type NewRecord } from '@contextframe/dataset';
import { detectFormat, openReader, writeRecords } from '@contextframe/io';

const folder = mkdtempSync(join(tmpdir(), 'contextframe-example-'));
const dataset = await FrameDataset.open({ path: join(folder, 'tickets.duckdb') });

try {
  // A helpdesk export: its columns are not record fields, and one row has a date that does not exist.
  const source = join(folder, 'helpdesk.csv');
  writeFileSync(
    source,
    [
      'subject,body,opened,labels,agent',
      'Login fails,"The login page says ""invalid token"" after a password reset.",2026-03-02T09:15:00Z,"auth, urgent",ana',
      'Export is slow,Exporting 50k rows to CSV takes minutes.,2026-02-30T10:00:00Z,performance,ben',
      'Dark mode,Please add a dark theme to the dashboard.,2026-03-04T16:40:00Z,feature,ana',
    ].join('\n'),
  );
  const reader = await openReader(detectFormat(source), source, {
    mapping: { subject: 'title', body: 'content', opened: 'created_at', labels: 'tags', agent: 'metadata.assignee' },
    maxErrors: 5, // more bad rows than this stop the read with TOO_MANY_ERRORS
  });
  const records: NewRecord[] = [];
  for await (const batch of reader.batches()) {
    for (const item of batch) {
      if (item.ok) records.push({ ...item.record, collection: 'tickets' });
      else console.log(`row ${item.row} skipped: ${item.field}: ${item.error}`);
    }
  }
  console.log(`read ${reader.stats.rows} rows from ${reader.format}: ${records.length} records, ${reader.stats.errors} row error`);
  await dataset.add(records);

  // Export streams the records from the store; every file is written under a temporary name and renamed at the end.
  const written = await writeRecords('csv', dataset.scan({ filter: "collection = 'tickets'" }), { outputPath: join(folder, 'tickets.csv') });
  console.log(`wrote ${written.documents} records to ${written.files.map((file) => file.path.slice(folder.length + 1)).join(', ')}`);

  // Same-named columns fill record fields, so contextframe's own files read back without a mapping.
  const back = await openReader('csv', written.files[0]!.path);
  console.log(`columns: ${back.columns?.join(', ')}`);
  const rows: NewRecord[] = [];
  for await (const item of back) if (item.ok) rows.push(item.record);
  rows.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
  for (const row of rows) console.log(`  ${row.created_at}  ${row.title}  tags ${JSON.stringify(row.tags)}  assignee ${row.metadata?.assignee}`);
} finally {
  await dataset.close();
  rmSync(folder, { recursive: true, force: true });
}
