#!/usr/bin/env node
// contextframe-stdio: the MCP server over stdin/stdout. Composition only: configuration, objects, transport.
import { createLogger, isTransportError, loadConfig, openRuntime, SERVER_INFO, serveStdio, usage } from '@contextframe/transport';

async function main(): Promise<number> {
  const request = loadConfig(process.argv.slice(2), process.env, { app: 'stdio' });
  if (request.action === 'help') {
    process.stdout.write(usage('stdio'));
    return 0;
  }
  if (request.action === 'version') {
    process.stdout.write(`${SERVER_INFO.version}\n`);
    return 0;
  }
  const { config } = request;
  // stdout carries JSON-RPC: every log line goes to stderr.
  const logger = createLogger({ level: config.logLevel, name: 'contextframe-stdio' });
  const runtime = await openRuntime(config, logger);
  const server = await serveStdio({ server: runtime.serverOptions, logger, graceMs: config.shutdownGraceSeconds * 1000 });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void server.shutdown(signal));
  await server.closed;
  await runtime.close();
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`contextframe-stdio: ${isTransportError(error, 'CONFIG_INVALID') || !(error instanceof Error) ? String((error as Error).message ?? error) : (error.stack ?? error.message)}\n`);
    process.exitCode = isTransportError(error, 'CONFIG_INVALID') ? 2 : 1;
  },
);
