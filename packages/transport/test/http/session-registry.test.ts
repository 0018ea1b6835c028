// SessionRegistry with real McpServers, each connected to a client in memory so a closed session is visible.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/index.js';
import { type Session, SessionRegistry } from '../../src/http/session-registry.js';

/** A session whose server is connected to a client; `clientClosed` turns true once the server closes. */
async function session(): Promise<{ session: Session; clientClosed(): boolean }> {
  const server = new McpServer({ name: 'registry-test', version: '1.0.0' });
  const client = new Client({ name: 'registry-test-client', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  let closed = false;
  client.onclose = () => (closed = true);
  // The registry only hands the transport back to the HTTP server; it never touches it.
  return { session: { server, transport: {} as StreamableHTTPServerTransport, lastSeen: 0, open: 0 }, clientClosed: () => closed };
}

function logged(): { logger: ReturnType<typeof createLogger>; text(): string } {
  let text = '';
  return { logger: createLogger({ level: 'debug', name: 'sessions', stream: { write: (line: string) => (text += line) } }), text: () => text };
}

describe('SessionRegistry', () => {
  it('closes and forgets sessions idle past the limit, keeping busy and recently used ones', async () => {
    let now = 1_000_000;
    const log = logged();
    const registry = new SessionRegistry({ idleMs: 60_000, logger: log.logger, now: () => now });
    const idle = await session();
    const busy = await session();
    const recent = await session();
    registry.add('idle', idle.session);
    registry.add('busy', busy.session);
    const endBusy = registry.begin(busy.session);
    registry.add('recent', recent.session);
    idle.session.lastSeen = now;
    now += 50_000;
    recent.session.lastSeen = now;
    now += 20_000;

    expect(await registry.sweep()).toBe(1);
    expect([registry.get('idle'), registry.size]).toEqual([undefined, 2]);
    expect(idle.clientClosed()).toBe(true);
    expect([busy.clientClosed(), recent.clientClosed()]).toEqual([false, false]);
    expect(log.text()).toMatch(/info sessions: session idle expired after 60 s idle/);

    // Ending a request twice counts once; the session is idle from its end on.
    endBusy();
    endBusy();
    expect(busy.session.open).toBe(0);
    expect(busy.session.lastSeen).toBe(now);
    now += 60_001;
    expect(await registry.sweep()).toBe(2);
    expect(registry.size).toBe(0);
    expect([busy.clientClosed(), recent.clientClosed()]).toEqual([true, true]);
    await registry.closeAll();
  });

  it('forgets only the sessions it knows, and ignores a transport closing before it had an id', async () => {
    const log = logged();
    const registry = new SessionRegistry({ idleMs: 60_000, logger: log.logger });
    const one = await session();
    registry.add('one', one.session);
    expect(log.text()).toMatch(/debug sessions: session one opened \(1 open\)/);
    registry.remove(undefined);
    registry.remove('other');
    expect(registry.size).toBe(1);
    expect(log.text()).not.toMatch(/closed/);
    registry.remove('one');
    expect(registry.size).toBe(0);
    expect(log.text()).toMatch(/debug sessions: session one closed \(0 open\)/);
    expect(one.clientClosed()).toBe(false);
    await registry.closeAll();
  });

  it('closeAll closes every session, busy or not, and stops expiring', async () => {
    const registry = new SessionRegistry({ idleMs: 60_000, logger: createLogger({ stream: { write: () => true } }) });
    const a = await session();
    const b = await session();
    registry.add('a', a.session);
    registry.add('b', b.session);
    registry.begin(b.session);
    await registry.closeAll();
    expect(registry.size).toBe(0);
    expect([a.clientClosed(), b.clientClosed()]).toEqual([true, true]);
    expect(await registry.sweep()).toBe(0);
  });

  it('closeOldestIdle closes the session idle longest, and none while every session is busy', async () => {
    let now = 5_000;
    const log = logged();
    const registry = new SessionRegistry({ idleMs: 60_000, logger: log.logger, now: () => now });
    const older = await session();
    const newer = await session();
    const busy = await session();
    registry.add('older', older.session);
    registry.add('busy', busy.session);
    registry.add('newer', newer.session);
    older.session.lastSeen = 1_000;
    newer.session.lastSeen = 2_000;
    const endBusy = registry.begin(busy.session);
    busy.session.lastSeen = 0;

    expect(await registry.closeOldestIdle()).toBe(true);
    expect([registry.get('older'), registry.size, older.clientClosed(), newer.clientClosed()]).toEqual([undefined, 2, true, false]);
    expect(log.text()).toMatch(/info sessions: session older closed to make room for a new one \(session limit reached\)/);
    expect(await registry.closeOldestIdle()).toBe(true);
    expect([registry.size, newer.clientClosed(), busy.clientClosed()]).toEqual([1, true, false]);
    expect(await registry.closeOldestIdle()).toBe(false);
    expect(registry.get('busy')).toBe(busy.session);
    now = 6_000;
    endBusy();
    expect(await registry.closeOldestIdle()).toBe(true);
    expect(registry.size).toBe(0);
    await registry.closeAll();
  });

  it('sweeps on its own timer, every half of the idle limit', async () => {
    const registry = new SessionRegistry({ idleMs: 500, logger: createLogger({ stream: { write: () => true } }) });
    const stale = await session();
    registry.add('stale', stale.session);
    await vi.waitFor(() => expect(stale.clientClosed()).toBe(true), { timeout: 10_000 });
    expect(registry.size).toBe(0);
    await registry.closeAll();
  });
});
