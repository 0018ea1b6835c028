import { createHash } from 'node:crypto';
import { it } from 'vitest';
import { HashEmbedder } from '../../src/index.js';
it('pin', () => {
  const v = new HashEmbedder().embedText('Hello, world! Embeddings capture lexical overlap.');
  const bytes = new Uint8Array(v.length * 4); const view = new DataView(bytes.buffer);
  v.forEach((x, i) => view.setFloat32(i * 4, x, true));
  console.log(createHash('sha256').update(bytes).digest('hex'));
  const nz = [...v].map((x, i) => [i, x] as const).filter(([, x]) => x !== 0);
  console.log(nz.length, JSON.stringify(nz.slice(0, 6)));
  const w = new HashEmbedder({ dimensions: 16 }).embedText('hello world');
  console.log(JSON.stringify([...w]));
});
