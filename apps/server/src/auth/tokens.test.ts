import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { createVerifier, mintToken, parseTtl, TokenError, verifyToken } from './tokens.js';

const SECRET = 'unit-secret-0123456789abcdef';

describe('tokens', () => {
  it('mints HS256 tokens with sub, exp and the analyst role', async () => {
    const viewer = await verifyToken(await mintToken({ sub: 'v1' }, SECRET), SECRET);
    expect(viewer).toMatchObject({ sub: 'v1', role: 'viewer' });
    const analyst = await verifyToken(await mintToken({ sub: 'a', role: 'analyst' }, SECRET), SECRET);
    expect(analyst.role).toBe('analyst');
  });

  it('rejects tokens without exp or sub, other algorithms and other secrets', async () => {
    const noExp = await sign({ sub: 'v1' }, SECRET, 'HS256');
    await expect(verifyToken(noExp, SECRET)).rejects.toThrow(/no exp/);
    const noSub = await sign({ exp: Math.floor(Date.now() / 1000) + 60 }, SECRET, 'HS256');
    await expect(verifyToken(noSub, SECRET)).rejects.toThrow(/no sub/);
    const hs512 = await sign({ sub: 'v', exp: Math.floor(Date.now() / 1000) + 60 }, SECRET, 'HS512');
    await expect(verifyToken(hs512, SECRET)).rejects.toBeInstanceOf(TokenError);
    await expect(verifyToken(await mintToken({ sub: 'v' }, `${SECRET}x`), SECRET)).rejects.toThrow(/invalid token/);
  });

  it('the caching verifier still enforces expiry on remembered tokens', async () => {
    let clock = Date.now();
    const verify = createVerifier(SECRET, 10, () => clock);
    const token = await mintToken({ sub: 'v1', ttlSec: 60 }, SECRET);
    expect((await verify(token)).sub).toBe('v1');
    clock += 59_000;
    expect((await verify(token)).sub).toBe('v1');
    clock += 2_000;
    await expect(verify(token)).rejects.toThrow(/expired/);
    await expect(verify(`${token}x`)).rejects.toThrow(/invalid/);
  });

  it('parses TTLs and says what it expects otherwise', () => {
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('45')).toBe(45);
    expect(() => parseTtl('soon')).toThrow(/expected e.g./);
  });
});
