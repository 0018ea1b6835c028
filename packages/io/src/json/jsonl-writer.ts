// Writes JSON Lines: one record object per line.
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { TextFileSink } from '../text/text-file-sink.js';
import { recordJson } from './record-json.js';

/** JSONL: one record object per line, each line ending in "\n". */
export const jsonlWriter: FormatWriter = {
  format: 'jsonl',
  async create(path, options): Promise<RecordSink> {
    const sink = await TextFileSink.create(path);
    return {
      async write(records) {
        for (const record of records) {
          sink.append(recordJson(record, options.includeEmbeddings));
          sink.append('\n');
        }
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
