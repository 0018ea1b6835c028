// One vitest configuration for the whole workspace: each package and app is a project.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const dirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(new URL(group, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${group}/${entry.name}`),
);

export default defineConfig({
  // Sibling packages resolve to their sources, so tests never run against a stale dist.
  resolve: { conditions: ['@contextframe/source'] },
  ssr: { resolve: { conditions: ['@contextframe/source'] } },
  test: {
    root,
    projects: dirs.map((dir) => ({
      extends: true,
      test: {
        name: dir.split('/')[1]!,
        root: `${root}${dir}`,
        include: ['test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    })),
  },
});
