import { describe, expect, it } from 'vitest';
import { defaultAllowedHosts, OriginGuard } from '../../src/http/origin-guard.js';

describe('OriginGuard', () => {
  it('by default accepts the loopback names with the port, and their http origins', () => {
    const guard = new OriginGuard({ host: '127.0.0.1', port: 4000 });
    expect(defaultAllowedHosts('127.0.0.1', 4000)).toEqual(['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']);
    expect(guard.check('127.0.0.1:4000', undefined).ok).toBe(true);
    expect(guard.check('localhost:4000', 'http://localhost:4000').ok).toBe(true);
    expect(guard.check('LOCALHOST:4000', undefined).ok).toBe(true);
  });

  it('refuses a rebound Host and a foreign Origin', () => {
    const guard = new OriginGuard({ host: '127.0.0.1', port: 4000 });
    expect(guard.check('attacker.example:4000', undefined)).toEqual({ ok: false, reason: 'Host attacker.example:4000 is not allowed' });
    expect(guard.check('127.0.0.1:4000', 'https://attacker.example').ok).toBe(false);
    expect(guard.check(undefined, undefined).ok).toBe(false);
  });

  it('uses configured lists, and for a wildcard bind accepts any Host but only same-host origins', () => {
    const listed = new OriginGuard({ host: '0.0.0.0', port: 80, allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com'] });
    expect(listed.check('mcp.example.com', 'https://app.example.com').ok).toBe(true);
    expect(listed.check('mcp.example.com', 'https://mcp.example.com').ok).toBe(false);
    const open = new OriginGuard({ host: '0.0.0.0', port: 8080 });
    expect(open.check('10.0.0.5:8080', undefined).ok).toBe(true);
    expect(open.check('10.0.0.5:8080', 'http://10.0.0.5:8080').ok).toBe(true);
    expect(open.check('10.0.0.5:8080', 'http://evil.example').ok).toBe(false);
  });
});
