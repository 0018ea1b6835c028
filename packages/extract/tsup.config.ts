import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is its own entry: WorkerPoolExtractor starts dist/extract-worker.js in each thread.
  entry: { index: 'src/index.ts', 'extract-worker': 'src/pool/extract-worker.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
