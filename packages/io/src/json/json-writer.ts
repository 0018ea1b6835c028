// JSON: an object whose `documents` array holds one record object per line.
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { TextFileSink } from '../text/text-file-sink.js';
import { recordJson } from './record-json.js';
import type { JsonTextSink } from './json-text-sink.js';

/** A new JSON file at `path` that takes records already encoded as JSON object text, one per item. */
export async function createJsonTextSink(path: string): Promise<JsonTextSink> {
  const sink = await TextFileSink.create(path);
  let count = 0;
  sink.append('{"documents":[');
  return {
    async write(objects) {
      for (const object of objects) {
        sink.append(count === 0 ? '\n' : ',\n');
        sink.append(object);
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
}

/** JSON: an object whose `documents` array holds one record object per line. */
export const jsonWriter: FormatWriter = {
  format: 'json',
  async create(path, options): Promise<RecordSink> {
    const text = await createJsonTextSink(path);
    return {
      write: (records) => text.write(records.map((record) => recordJson(record, options.includeEmbeddings))),
      finish: () => text.finish(),
      abort: () => text.abort(),
    };
  },
};
