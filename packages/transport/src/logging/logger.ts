// Logs for operators: one line per event on stderr, never stdout (stdout carries the stdio transport's JSON-RPC).
import { format } from 'node:util';

/** From quietest to noisiest. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where transport and the apps write what happened. `fields` are appended as JSON. */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** The noisiest level written (default `info`). */
  readonly level?: LogLevel;
  /** Default: process.stderr. */
  readonly stream?: { write(text: string): unknown };
  /** Prefix of every line (default `contextframe`). */
  readonly name?: string;
}

/** Renders a field value: errors with their stack (and cause), everything else as JSON. */
function renderFields(fields: Record<string, unknown>): string {
  const plain: Record<string, unknown> = {};
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) stacks.push(format('%s: %O', key, value));
    else plain[key] = value;
  }
  const json = Object.keys(plain).length === 0 ? '' : ` ${safeJson(plain)}`;
  return stacks.length === 0 ? json : `${json}\n${stacks.join('\n')}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return format('%o', value);
  }
}

/** A logger writing `<time> <level> <name>: <message> {fields}` lines to stderr (or `stream`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const name = options.name ?? 'contextframe';
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(level) > threshold) return;
    stream.write(`${new Date().toISOString()} ${level} ${name}: ${message}${fields === undefined ? '' : renderFields(fields)}\n`);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}

/** A logger that drops everything (tests, embedding in programs that log elsewhere). */
export const silentLogger: Logger = Object.freeze({ error() {}, warn() {}, info() {}, debug() {} });
