// JSONL: one record object per line, each line ending in "\n".
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { TextFileSink } from '../text/text-file-sink.js';
import { recordJson } from './record-json.js';
import type { JsonTextSink } from './json-text-sink.js';

/** A new JSONL file at `path` that takes records already encoded as JSON object text, one per item. */
export async function createJsonlTextSink(path: string): Promise<JsonTextSink> {
  const sink = await TextFileSink.create(path);
  return {
    async write(objects) {
      for (const object of objects) {
        sink.append(object);
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
}

/** JSONL: one record object per line, each line ending in "\n". */
export const jsonlWriter: FormatWriter = {
  format: 'jsonl',
  async create(path, options): Promise<RecordSink> {
    const text = await createJsonlTextSink(path);
    return {
      write: (records) => text.write(records.map((record) => recordJson(record, options.includeEmbeddings))),
      finish: () => text.finish(),
      abort: () => text.abort(),
    };
  },
};
