import { FILTER_HELP } from '@contextframe/dataset';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolNames } from '../../src/index.js';
import { type Harness, openHarness } from '../fixtures.js';

const ALL = [
  'batch_search',
  'batch_add',
  'batch_update',
  'batch_delete',
  'batch_export',
  'batch_import',
  'batch_enhance',
  'batch_extract',
  'search_documents',
  'add_document',
  'get_document',
  'list_documents',
  'update_document',
  'delete_document',
  'dataset_info',
];
const READ = ['batch_search', 'batch_export', 'search_documents', 'get_document', 'list_documents', 'dataset_info'];

describe('tools/list', () => {
  let h: Harness;
  let tools: Map<string, Tool>;
  beforeAll(async () => {
    h = await openHarness();
    tools = new Map((await h.client.listTools()).tools.map((tool) => [tool.name, tool]));
  });
  afterAll(() => h.close());

  it('lists every tool, batch tools first', () => {
    expect([...tools.keys()]).toEqual(ALL);
    expect(toolNames()).toEqual(ALL);
  });

  it('annotates read-only, destructive and idempotent tools', () => {
    const hints = Object.fromEntries(
      [...tools].map(([name, tool]) => [name, [tool.annotations?.readOnlyHint, tool.annotations?.destructiveHint ?? null, tool.annotations?.idempotentHint]]),
    );
    expect(hints).toEqual({
      batch_search: [true, null, true],
      batch_add: [false, false, false],
      batch_update: [false, true, false],
      batch_delete: [false, true, true],
      batch_export: [true, null, false],
      batch_import: [false, false, false],
      batch_enhance: [false, true, false],
      batch_extract: [false, false, false],
      search_documents: [true, null, true],
      add_document: [false, false, false],
      get_document: [true, null, true],
      list_documents: [true, null, true],
      update_document: [false, true, true],
      delete_document: [false, true, true],
      dataset_info: [true, null, true],
    });
    // Only the tools that reach beyond the dataset (an LLM, files and the web) are open-world.
    const open = [...tools].filter(([, tool]) => tool.annotations?.openWorldHint !== false).map(([name]) => name);
    expect(open).toEqual(['batch_enhance', 'batch_extract']);
  });

  it('gives every tool a title, a description with an example, and input and output schemas', () => {
    for (const tool of tools.values()) {
      expect(tool.title).toBeTruthy();
      expect(tool.description).toMatch(/Example/);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
  });

  it('explains the filter language wherever a filter is accepted', () => {
    for (const name of ['batch_search', 'batch_update', 'batch_delete', 'batch_enhance', 'search_documents', 'list_documents']) {
      expect(tools.get(name)!.description).toContain(FILTER_HELP);
    }
  });

  it('tells agents the safety rules: delete is a dry run by default, limits, atomicity', () => {
    expect(tools.get('batch_delete')!.description).toMatch(/dry_run defaults to true/);
    expect(tools.get('batch_delete')!.description).toMatch(/CONFIRM_COUNT_MISMATCH/);
    expect(tools.get('batch_delete')!.description).toMatch(/at most 100,000 records/);
    expect(tools.get('batch_update')!.description).toMatch(/MAX_DOCUMENTS_EXCEEDED/);
    expect(tools.get('batch_add')!.description).toMatch(/up to 100,000/);
    expect(tools.get('batch_add')!.description).toMatch(/TX_ROLLED_BACK/);
    expect(tools.get('batch_search')!.description).toMatch(/up to 1,000 queries/);
    expect(tools.get('batch_enhance')!.description).toMatch(/MAX_DOCUMENTS_EXCEEDED/);
    expect(tools.get('batch_extract')!.description).toMatch(/PATH_OUTSIDE_ROOTS/);
    expect(tools.get('batch_extract')!.description).toMatch(/--allow-private-urls/);
  });

  it('lists input schemas from core\'s zod schemas: names, types, defaults, enums and required fields', () => {
    const search = tools.get('batch_search')!.inputSchema as any;
    expect(search.required).toEqual(['queries']);
    expect(search.additionalProperties).toBe(false);
    const query = search.properties.queries.items;
    expect(query.required).toEqual(['query']);
    expect(query.properties.search_type).toMatchObject({ enum: ['vector', 'text', 'hybrid'], default: 'hybrid' });
    expect(query.properties.limit).toMatchObject({ type: 'integer', default: 10, minimum: 1, maximum: 1000 });
    expect(search.properties.queries.maxItems).toBe(1000);

    const add = tools.get('batch_add')!.inputSchema as any;
    expect(add.required).toEqual(['documents']);
    expect(add.properties.atomic).toMatchObject({ type: 'boolean', default: true });
    expect(add.properties.documents.items.required).toEqual(['content']);
    expect(add.properties.shared_settings.properties.generate_embeddings.default).toBe(true);

    const del = tools.get('batch_delete')!.inputSchema as any;
    expect(del.properties.dry_run).toMatchObject({ type: 'boolean', default: true });
    expect(del.properties.confirm_count.type).toBe('integer');
    expect(del.required ?? []).toEqual([]);

    const enhance = tools.get('batch_enhance')!.inputSchema as any;
    expect(enhance.required).toEqual(['enhancements']);
    expect(enhance.properties.enhancements.items.enum).toEqual(['context', 'tags', 'title', 'metadata']);
    expect(enhance.properties.batch_size).toMatchObject({ type: 'integer', default: 10 });
    expect(enhance.properties.max_documents).toMatchObject({ type: 'integer', default: 1000 });

    const extract = tools.get('batch_extract')!.inputSchema as any;
    expect(extract.required).toEqual(['sources']);
    expect(Object.keys(extract.properties.sources.items.properties)).toEqual(['path', 'url', 'type']);
    expect(extract.properties.sources.items.properties.type.enum).toEqual(['text', 'markdown', 'html', 'json', 'jsonl', 'csv', 'pdf', 'docx']);
    expect(extract.properties.add_to_dataset).toMatchObject({ type: 'boolean', default: true });
    expect(extract.properties.continue_on_error).toMatchObject({ type: 'boolean', default: true });

    const list = tools.get('list_documents')!.inputSchema as any;
    expect(list.properties.order.enum).toEqual(['asc', 'desc']);
    expect(list.properties.limit.default).toBe(50);
    expect(tools.get('get_document')!.inputSchema.required).toEqual(['document_id']);
  });

  it('states that update and delete take exactly one of filter and document_ids', () => {
    for (const name of ['batch_update', 'batch_delete', 'batch_enhance']) {
      expect((tools.get(name)!.inputSchema as any).oneOf).toEqual([{ required: ['filter'] }, { required: ['document_ids'] }]);
    }
  });

  it('lets every output schema describe both the success shape and the error shape', () => {
    for (const tool of tools.values()) {
      const branches = (tool.outputSchema as any).anyOf;
      expect(branches).toHaveLength(2);
      expect(branches[1]).toMatchObject({ required: ['error'], properties: { error: { required: ['code', 'message'] } } });
    }
    const add = (tools.get('batch_add')!.outputSchema as any).anyOf[0];
    expect(add.required).toEqual(expect.arrayContaining(['success', 'documents_added', 'document_ids', 'errors', 'progress']));
  });
});

describe('read-only mode', () => {
  it('lists only the tools that do not change the dataset, and refuses the others', async () => {
    const h = await openHarness({ readOnly: true });
    try {
      expect((await h.client.listTools()).tools.map((tool) => tool.name)).toEqual(READ);
      expect(toolNames({ readOnly: true })).toEqual(READ);
      const refused = await h.call('batch_add', { documents: [{ content: 'x' }] });
      expect(refused.isError).toBe(true);
      expect(await h.dataset.count()).toBe(0);
      const info = await h.call('dataset_info');
      expect(info.structuredContent?.read_only).toBe(true);
    } finally {
      await h.close();
    }
  });
});
