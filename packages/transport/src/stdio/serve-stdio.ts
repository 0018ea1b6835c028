// Serves one MCP client over stdin/stdout until stdin ends or shutdown is asked for, letting running calls finish.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../logging/logger.js';
import { createServer, type ServerOptions } from '../server/create-server.js';
import type { WorkTracker } from '../server/work-tracker.js';

export interface StdioServeOptions {
  readonly server: ServerOptions & { readonly work: WorkTracker };
  readonly logger: Logger;
  /** How long running calls may finish at shutdown before they are cancelled (and roll back). */
  readonly graceMs: number;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
}

/** A running stdio server. */
export interface StdioServer {
  /** Resolves once the server stopped: every call finished or was cancelled and settled. */
  readonly closed: Promise<void>;
  /** Stops reading requests, waits up to the grace period for running calls, cancels the rest. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/** Connects a new server to stdio. Nothing but JSON-RPC is written to stdout. */
export async function serveStdio(options: StdioServeOptions): Promise<StdioServer> {
  const { logger, graceMs } = options;
  const work = options.server.work;
  const stdin = options.stdin ?? process.stdin;
  const server = createServer(options.server);
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info(`shutting down (${reason}), ${work.size} call(s) running`);
      if (!(await work.idle(graceMs))) logger.warn(`cancelling ${work.size} call(s) still running after ${graceMs} ms`);
      // A call that just finished hands its response to the SDK in microtasks: let it be written first.
      await new Promise((resolve) => setImmediate(resolve));
      // Closing aborts every running call's signal: atomic work rolls back.
      await server.close();
      // Cancelled calls settle quickly (a rollback); one that ignores its signal must not hold the process forever.
      if (!(await work.idle(Math.max(1_000, graceMs)))) logger.error(`${work.size} call(s) did not stop after cancellation`);
      markClosed();
    })();
    return stopping;
  };
  stdin.once('end', () => void shutdown('stdin closed'));
  await server.connect(transport);
  logger.info('serving MCP over stdio');
  return { closed, shutdown };
}
