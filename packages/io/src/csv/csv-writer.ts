// Writes CSV: a header row of record fields, then one row per record.
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { TextFileSink } from '../text/text-file-sink.js';
import { CsvRowEncoder } from './csv-row-encoder.js';

/**
 * CSV: header row, then one record per row. Null is an empty unquoted field and the empty string is "";
 * tags and metadata are JSON text, the embedding (when written) a JSON array.
 */
export const csvWriter: FormatWriter = {
  format: 'csv',
  async create(path, options): Promise<RecordSink> {
    const encoder = new CsvRowEncoder(options.csv, options.includeEmbeddings);
    const sink = await TextFileSink.create(path);
    sink.append(encoder.header());
    return {
      async write(records) {
        for (const record of records) sink.append(encoder.row(record));
        await sink.flush();
      },
      async finish() {
        await sink.close();
        return sink.bytes;
      },
      abort: () => sink.discard(),
    };
  },
};
