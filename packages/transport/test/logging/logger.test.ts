// createLogger writing to a stream it is given: levels, the line format, fields, errors with their stacks.
import { describe, expect, it } from 'vitest';
import { createLogger, LOG_LEVELS, silentLogger } from '../../src/index.js';

function capture(): { stream: { write(text: string): boolean }; lines(): string[]; text(): string } {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    },
    lines: () => text.split('\n').filter((line) => line !== ''),
    text: () => text,
  };
}

describe('createLogger', () => {
  it('writes `<time> <level> <name>: <message>` lines, up to info and under the default name', () => {
    const out = capture();
    const logger = createLogger({ stream: out.stream });
    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    const lines = out.lines();
    expect(lines.map((line) => line.replace(/^\S+ /, ''))).toEqual(['error contextframe: e', 'warn contextframe: w', 'info contextframe: i']);
    for (const line of lines) expect(new Date(line.split(' ')[0]!).toISOString()).toBe(line.split(' ')[0]);
  });

  it('writes only levels up to the one chosen', () => {
    expect(LOG_LEVELS).toEqual(['error', 'warn', 'info', 'debug']);
    const quiet = capture();
    const warnOnly = createLogger({ level: 'warn', name: 'q', stream: quiet.stream });
    for (const level of LOG_LEVELS) warnOnly[level](level);
    expect(quiet.lines().map((line) => line.split(' ')[1])).toEqual(['error', 'warn']);
    const loud = capture();
    const all = createLogger({ level: 'debug', name: 'l', stream: loud.stream });
    for (const level of LOG_LEVELS) all[level](level);
    expect(loud.lines().map((line) => line.split(' ')[1])).toEqual(['error', 'warn', 'info', 'debug']);
  });

  it('appends fields as JSON, and errors (with their cause) as stacks on the following lines', () => {
    const out = capture();
    const logger = createLogger({ name: 'f', stream: out.stream });
    logger.info('plain', { calls: 2, tool: 'batch_add' });
    logger.info('none', {});
    const failure = new Error('disk full', { cause: new Error('ENOSPC') });
    logger.error('write failed', { error: failure, id: 'x' });
    logger.error('only an error', { error: new TypeError('bad') });
    const text = out.text();
    expect(text).toMatch(/info f: plain \{"calls":2,"tool":"batch_add"\}\n/);
    expect(text).toMatch(/info f: none\n/);
    expect(text).toMatch(/error f: write failed \{"id":"x"\}\nerror: Error: disk full\n\s+at /);
    expect(text).toMatch(/\[cause\]: Error: ENOSPC/);
    expect(text).toMatch(/error f: only an error\nerror: TypeError: bad\n\s+at /);
  });

  it('still logs fields that JSON cannot hold, such as a cycle or a bigint', () => {
    const out = capture();
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    createLogger({ name: 'c', stream: out.stream }).warn('odd fields', { cycle, big: 10n });
    const line = out.lines()[0]!;
    expect(line).toMatch(/warn c: odd fields \{/);
    expect(line).toContain("name: 'loop'");
    expect(line).toContain('[Circular');
    expect(line).toContain('10n');
  });
});

describe('silentLogger', () => {
  it('accepts every level and writes nothing', () => {
    for (const level of LOG_LEVELS) expect(silentLogger[level]('nothing', { error: new Error('x') })).toBeUndefined();
    expect(Object.isFrozen(silentLogger)).toBe(true);
  });
});
