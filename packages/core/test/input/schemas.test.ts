import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BATCH_OPERATIONS,
  BatchAddInputSchema,
  BatchDeleteInputSchema,
  BatchSearchInputSchema,
  BatchUpdateInputSchema,
  describeIssues,
  formatPath,
  parseInput,
} from '../../src/index.js';

describe('input schemas', () => {
  it('convert to JSON Schema for MCP tool definitions, with defaults and descriptions', () => {
    for (const schema of [BatchSearchInputSchema, BatchAddInputSchema, BatchUpdateInputSchema, BatchDeleteInputSchema]) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as { type: string; properties: Record<string, unknown>; description?: string };
      expect(json.type).toBe('object');
      expect(json.description).toBeTruthy();
    }
    const search = z.toJSONSchema(BatchSearchInputSchema, { io: 'input' }) as any;
    expect(search.properties.queries.items.properties.search_type).toMatchObject({ enum: ['vector', 'text', 'hybrid'], default: 'hybrid' });
    expect(search.properties.max_parallel.default).toBe(5);
    expect(search.required).toEqual(['queries']);
    const add = z.toJSONSchema(BatchAddInputSchema, { io: 'input' }) as any;
    expect(add.properties.atomic.default).toBe(true);
    expect(add.properties.shared_settings.properties.generate_embeddings.default).toBe(true);
    const del = z.toJSONSchema(BatchDeleteInputSchema, { io: 'input' }) as any;
    expect(del.properties.dry_run.default).toBe(true);
    expect(Object.keys(del.properties)).toEqual(expect.arrayContaining(['filter', 'document_ids', 'confirm_count']));
    const update = z.toJSONSchema(BatchUpdateInputSchema, { io: 'input' }) as any;
    expect(update.properties.max_documents.default).toBe(1000);
  });

  it('fill defaults when parsed', () => {
    expect(BatchSearchInputSchema.parse({ queries: [{ query: 'x' }] })).toEqual({ queries: [{ query: 'x', search_type: 'hybrid', limit: 10 }], max_parallel: 5 });
    expect(BatchAddInputSchema.parse({ documents: [{ content: 'x' }] })).toMatchObject({ shared_settings: { generate_embeddings: true }, atomic: true });
    expect(BatchDeleteInputSchema.parse({ filter: 'a = 1' })).toMatchObject({ dry_run: true });
  });

  it('are listed with their operations by tool name', () => {
    expect(Object.keys(BATCH_OPERATIONS)).toEqual(['batch_search', 'batch_add', 'batch_update', 'batch_delete', 'batch_export', 'batch_import', 'batch_enhance', 'batch_extract']);
    expect(BATCH_OPERATIONS.batch_add.inputSchema).toBe(BatchAddInputSchema);
    expect(BATCH_OPERATIONS.batch_delete.name).toBe('batch_delete');
  });
});

describe('parseInput', () => {
  it('throws INVALID_INPUT naming each problem with its path', () => {
    const schema = z.object({ items: z.array(z.object({ n: z.number() })) });
    expect(() => parseInput(schema, { items: [{ n: 1 }, { n: 'x' }] }, 'test_op')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('items[1].n') }),
    );
    expect(parseInput(schema, { items: [] }, 'test_op')).toEqual({ items: [] });
  });

  it('formats paths and lists at most five issues', () => {
    expect(formatPath([])).toBe('(input)');
    expect(formatPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(formatPath([2, 'c'], 'docs')).toBe('docs[2].c');
    const issues = Array.from({ length: 7 }, (_, i) => ({ path: `p${i}`, message: 'bad' }));
    expect(describeIssues(issues)).toContain('(and 2 more)');
  });
});
