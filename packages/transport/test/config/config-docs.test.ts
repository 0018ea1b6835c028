import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, OPTION_SPECS, usage } from '../../src/index.js';

const docs = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe('configuration docs', () => {
  it('docs/configuration.md holds the current option table', () => {
    expect(docs).toContain(configTable());
  });

  it('the README holds the current option table', () => {
    expect(readme).toContain(configTable());
  });

  it('names every option with its flag and variable', () => {
    for (const spec of OPTION_SPECS) {
      expect(configTable()).toContain(`\`${spec.env}\``);
      expect(configTable()).toContain(`--${spec.name}`);
    }
  });

  it('--help lists exactly the options of each server', () => {
    expect(usage('stdio')).toContain('--dataset <path>');
    expect(usage('stdio')).not.toContain('--port');
    expect(usage('http')).toContain('--port <n>');
    expect(usage('http')).toContain('CONTEXTFRAME_TOKEN');
  });
});
