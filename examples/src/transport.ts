// @contextframe/transport: the MCP server inside your own program. Configuration as the servers read it, the
// runtime it opens, one MCP client in memory and one over Streamable HTTP on a free local port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, loadConfig, openRuntime, startHttpServer } from '@contextframe/transport';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

const folder = mkdtempSync(join(tmpdir(), 'contextframe-example-'));
// The same flags and CONTEXTFRAME_* variables as contextframe-http; a bad value throws CONFIG_INVALID.
const request = loadConfig(['--dataset', 'kb.duckdb', '--port', '0', '--log-level', 'warn'], {}, { app: 'http', cwd: folder });
if (request.action !== 'serve') throw new Error('expected a configuration to serve');
const { config } = request;
const logger = createLogger({ level: config.logLevel }); // stderr only: stdout may carry the stdio protocol
const runtime = await openRuntime(config, logger); // dataset, embedder, extraction workers

try {
  // In memory: one McpServer, one client, no process or socket in between.
  const server = createServer(runtime.serverOptions);
  const client = new Client({ name: 'example', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);

  const { tools } = await client.listTools();
  console.log(`${tools.length} tools: ${tools.map((tool) => tool.name).join(', ')}`);

  let lastProgress = '';
  const added = await client.callTool(
    {
      name: 'batch_add',
      arguments: {
        documents: [
          { content: 'The staging database is rebuilt every night at 02:00.', metadata: { title: 'Staging rebuild', tags: ['ops'] } },
          { content: 'Deploys are frozen on Fridays after 15:00.', metadata: { title: 'Deploy freeze', tags: ['ops', 'policy'] } },
        ],
        shared_settings: { collection: 'runbook' },
      },
    },
    undefined,
    // A progress callback makes the client send a progress token; the tool then reports notifications/progress.
    { onprogress: (progress) => (lastProgress = `${progress.progress}/${progress.total}`) },
  );
  const addResult = added.structuredContent as { documents_added: number };
  console.log(`batch_add: ${addResult.documents_added} added, last progress ${lastProgress}`);

  const searched = await client.callTool({
    name: 'batch_search',
    arguments: { queries: [{ query: 'when are deploys frozen', limit: 1, filter: "'policy' IN tags" }] },
  });
  const searchResult = searched.structuredContent as { results: { results: { title: string }[] }[] };
  console.log(`batch_search: ${searchResult.results[0]?.results.map((hit) => hit.title).join(', ')}`);

  // Failures are tool results with isError and a stable code, never protocol errors.
  const failed = await client.callTool({ name: 'list_documents', arguments: { filter: "title = 'unterminated" } });
  const error = (failed.structuredContent as { error: { code: string } }).error;
  console.log(`list_documents with a bad filter: isError ${failed.isError}, code ${error.code}`);
  await client.close();
  await server.close();

  // Over HTTP: every client session gets its own McpServer over the same dataset.
  const http = await startHttpServer({ server: runtime.serverOptions, http: config.http!, logger, graceMs: 5_000 });
  const remote = new Client({ name: 'example-http', version: '1.0.0' });
  await remote.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  const info = await remote.callTool({ name: 'dataset_info', arguments: {} });
  const stats = info.structuredContent as { documents: number; embedder: { id: string } };
  console.log(`dataset_info over HTTP: ${stats.documents} documents, embedder ${stats.embedder.id}`);
  await remote.close();
  await http.shutdown('example finished'); // waits for running calls, then closes every session
} finally {
  await runtime.close();
  rmSync(folder, { recursive: true, force: true });
}
