#!/usr/bin/env node
// contextframe-http: the MCP server over Streamable HTTP. Composition only: configuration, objects, transport.
import { createLogger, isTransportError, loadConfig, openRuntime, SERVER_INFO, startHttpServer, usage } from '@contextframe/transport';

async function main(): Promise<number> {
  const request = loadConfig(process.argv.slice(2), process.env, { app: 'http' });
  if (request.action === 'help') {
    process.stdout.write(usage('http'));
    return 0;
  }
  if (request.action === 'version') {
    process.stdout.write(`${SERVER_INFO.version}\n`);
    return 0;
  }
  const { config } = request;
  const logger = createLogger({ level: config.logLevel, name: 'contextframe-http' });
  const runtime = await openRuntime(config, logger);
  const server = await startHttpServer({ server: runtime.serverOptions, http: config.http!, logger, graceMs: config.shutdownGraceSeconds * 1000 });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void server.shutdown(signal));
  // Printed whatever the log level, once signals stop the server gracefully: scripts and tests read the address
  // from this line, and may send SIGTERM as soon as they see it.
  process.stderr.write(`contextframe-http listening on ${server.url}\n`);
  await server.closed;
  await runtime.close();
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const config = isTransportError(error, 'CONFIG_INVALID');
    process.stderr.write(`contextframe-http: ${config || !(error instanceof Error) ? String((error as Error).message ?? error) : (error.stack ?? error.message)}\n`);
    process.exitCode = config ? 2 : 1;
  },
);
