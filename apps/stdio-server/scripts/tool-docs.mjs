// Writes docs/tools/*.md from the running server: each tool's description, input and output schema as
// tools/list gives them, and worked examples whose responses are real (run against the built stdio server).
// `--check` writes nothing and fails when a page differs from what the server answers now.
// Usage: node scripts/tool-docs.mjs [--check]   (after `pnpm build`)
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { EXAMPLES, TOOL_ERRORS } from './tool-examples.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, '..', 'dist', 'main.js');
const OUT = join(here, '..', '..', '..', 'docs', 'tools');
const check = process.argv.includes('--check');

if (!existsSync(MAIN)) {
  console.error(`${MAIN} is missing: run \`pnpm build\` first.`);
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), 'cf-tool-docs-'));

// Values that differ between runs become stable placeholders, so the pages can be checked against the server.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const FIXED_UUID = /^00000000-0000-4000-8000-\d{12}$/;
const generated = new Map();

function stableUuid(uuid) {
  if (FIXED_UUID.test(uuid)) return uuid;
  if (!generated.has(uuid)) generated.set(uuid, `<generated-uuid-${generated.size + 1}>`);
  return generated.get(uuid);
}

function normalize(value, key) {
  if (typeof value === 'string') {
    if (TIMESTAMP.test(value)) return '<timestamp>';
    return value.replaceAll(root, '<root>').replace(UUID, stableUuid);
  }
  if (typeof value === 'number' && (key === 'elapsed_ms' || key === 'updates')) return `<${key}>`;
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

// Environment without the caller's CONTEXTFRAME_* settings: the docs show the defaults.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CONTEXTFRAME_')));
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [MAIN, '--dataset', join(root, 'docs.duckdb'), '--allowed-roots', root],
  cwd: root,
  env,
  stderr: 'pipe',
});
const client = new Client({ name: 'tool-docs', version: '1.0.0' });
let serverLog = '';
transport.stderr?.on('data', (chunk) => (serverLog += chunk.toString('utf8')));

const pages = new Map();
try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  const runs = [];
  const raw = [];
  for (const example of EXAMPLES) {
    for (const [path, content] of Object.entries(example.files ?? {})) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    // An example may build its arguments from earlier responses (e.g. ids the server generated).
    const args = typeof example.args === 'function' ? example.args((tool) => raw.filter((r) => r.tool === tool).map((r) => r.response)) : example.args;
    const result = await client.callTool({ name: example.tool, arguments: args });
    const response = result.structuredContent ?? { content: result.content };
    raw.push({ tool: example.tool, response });
    runs.push({ ...example, args: normalize(args), isError: result.isError === true, response: normalize(response) });
  }
  for (const tool of tools) pages.set(`${tool.name}.md`, renderTool(tool, runs.filter((run) => run.tool === tool.name)));
  pages.set('README.md', renderIndex(tools));
} catch (error) {
  console.error(`The server failed while the examples ran: ${error.message}\n--- server stderr ---\n${serverLog}`);
  process.exitCode = 1;
} finally {
  await client.close().catch(() => {});
  rmSync(root, { recursive: true, force: true });
}
if (process.exitCode === 1) process.exit(1);

const problems = [];
for (const [name, text] of pages) {
  const examples = (text.match(/^### Example/gm) ?? []).length;
  if (name !== 'README.md' && examples < 2) problems.push(`${name}: ${examples} example(s); every tool needs at least two`);
}
if (check) {
  for (const [name, text] of pages) {
    const path = join(OUT, name);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current !== text) problems.push(`${name} differs from what the server answers now: run \`pnpm docs:update\` and commit the result`);
  }
  for (const name of existsSync(OUT) ? readdirSync(OUT) : []) {
    if (!pages.has(name)) problems.push(`${name} documents no tool the server lists: remove it`);
  }
} else {
  mkdirSync(OUT, { recursive: true });
  for (const [name, text] of pages) writeFileSync(join(OUT, name), text);
  console.log(`wrote ${pages.size} pages to ${OUT}`);
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
if (check) console.log(`docs/tools: ${pages.size} pages match the server`);

function json(value) {
  return JSON.stringify(value, null, 2);
}

function typeOf(schema) {
  if (schema === undefined) return '';
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items) || 'any'}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'object' && schema.additionalProperties && !schema.properties) return `{ [key]: ${typeOf(schema.additionalProperties) || 'any'} }`;
  return schema.type ?? 'any';
}

function cell(text) {
  return String(text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

// One row per field, nested objects and arrays of objects flattened to dotted paths.
function fieldRows(schema, prefix = '', required = schema.required ?? []) {
  const rows = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    const defaultText = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    rows.push(`| \`${path}\` | ${cell(typeOf(field))} | ${required.includes(name) ? 'yes' : ''} | ${cell(defaultText)} | ${cell(field.description)} |`);
    const nested = field.type === 'array' ? field.items : field;
    if (nested?.type === 'object' && nested.properties) rows.push(...fieldRows(nested, `${path}${field.type === 'array' ? '[].' : '.'}`, nested.required ?? []));
  }
  return rows;
}

function renderTool(tool, runs) {
  const annotations = tool.annotations ?? {};
  const hints = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']
    .filter((hint) => annotations[hint] !== undefined)
    .map((hint) => `\`${hint}: ${annotations[hint]}\``)
    .join(', ');
  const success = tool.outputSchema?.anyOf?.[0] ?? tool.outputSchema ?? {};
  const errors = Object.entries(TOOL_ERRORS[tool.name] ?? {});
  const lines = [
    `# \`${tool.name}\`: ${tool.title ?? tool.annotations?.title ?? ''}`,
    '',
    '<!-- Generated by apps/stdio-server/scripts/tool-docs.mjs from the running server (`pnpm docs:update`); CI checks it. Do not edit. -->',
    '',
    `Annotations: ${hints || 'none'}.`,
    '',
    '## What agents read',
    '',
    ...tool.description.split('\n').map((line) => (line === '' ? '' : `> ${line}`).replace(/^$/, '>')),
    '',
    '## Input',
    '',
    ...(Object.keys(tool.inputSchema.properties ?? {}).length === 0
      ? ['No arguments.']
      : ['| field | type | required | default | description |', '|---|---|---|---|---|', ...fieldRows(tool.inputSchema)]),
    '',
    '## Output (`structuredContent`)',
    '',
    '| field | type | required | default | description |',
    '|---|---|---|---|---|',
    ...fieldRows(success),
    '',
    'On failure the result has `isError: true` and `structuredContent.error = { code, message, details }`.',
    '',
    '## Errors',
    '',
    ...(errors.length === 0 ? ['This tool has no errors of its own.'] : ['| code | when |', '|---|---|', ...errors.map(([code, when]) => `| \`${code}\` | ${cell(when)} |`)]),
    '',
    '## Examples',
    '',
    'Real responses from the server (hash embedder, a fresh dataset; the examples of all tools run in one sequence, see',
    '[apps/stdio-server/scripts/tool-examples.mjs](../../apps/stdio-server/scripts/tool-examples.mjs)). Generated uuids, timestamps and',
    'elapsed times are replaced by placeholders.',
    '',
  ];
  runs.forEach((run, index) => {
    lines.push(`### Example ${index + 1}: ${run.title}`, '');
    if (run.explain) lines.push(run.explain, '');
    for (const [path, content] of Object.entries(run.files ?? {})) lines.push(`File \`${path}\`:`, '', '```', content.trimEnd(), '```', '');
    lines.push('Request (`arguments`):', '', '```json', json(run.args), '```', '');
    lines.push(run.isError ? 'Response (`isError: true`):' : 'Response (`structuredContent`):', '', '```json', json(run.response), '```', '');
  });
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderIndex(tools) {
  const lines = [
    '# Tools',
    '',
    '<!-- Generated by apps/stdio-server/scripts/tool-docs.mjs (`pnpm docs:update`). Do not edit. -->',
    '',
    'Every tool the server lists, with its input, output, errors and worked examples whose responses come from the real server.',
    '',
    '| tool | what it does | writes |',
    '|---|---|---|',
    ...tools.map((tool) => `| [\`${tool.name}\`](${tool.name}.md) | ${cell(tool.title ?? '')} | ${tool.annotations?.readOnlyHint ? 'no' : 'yes'} |`),
  ];
  return `${lines.join('\n')}\n`;
}
