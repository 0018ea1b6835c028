// Writes `{ "documents": [ ... ] }`, one document per line, so the file is also easy to read by eye.
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { TextFileSink } from '../text/text-file-sink.js';
import { recordJson } from './record-json.js';

/** JSON: an object whose `documents` array holds one record object per line. */
export const jsonWriter: FormatWriter = {
  format: 'json',
  async create(path, options): Promise<RecordSink> {
    const sink = await TextFileSink.create(path);
    let count = 0;
    sink.append('{"documents":[');
    return {
      async write(records) {
        for (const record of records) {
          sink.append(count === 0 ? '\n' : ',\n');
          sink.append(recordJson(record, options.includeEmbeddings));
          count += 1;
        }
        await sink.flush();
      },
      async finish() {
        sink.append(count === 0 ? ']}\n' : '\n]}\n');
        await sink.close();
        return sink.bytes;
      },
      abort: () => sink.discard(),
    };
  },
};
