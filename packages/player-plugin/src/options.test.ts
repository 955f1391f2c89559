import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options.js';

describe('resolveOptions', () => {
  it('fills the defaults of the issue', () => {
    const o = resolveOptions({ videoId: 'intro' });
    expect(o).toMatchObject({
      mode: 'events',
      tickMs: 1000,
      toleranceMs: 1100,
      threshold: 0.8,
      storage: 'indexeddb',
      flushIntervalMs: 30_000,
      completeAt: 0.9,
      endpoints: [],
      resume: false,
      preventSkipAhead: false,
    });
    expect(o.sessionId.length).toBeGreaterThan(8);
  });
  it('accepts a list of endpoints and trims trailing slashes', () => {
    expect(
      resolveOptions({ videoId: 'a', viewerId: 'v', token: 't', endpoint: ['https://a.example/', 'https://b.example'] })
        .endpoints,
    ).toEqual(['https://a.example', 'https://b.example']);
  });
  it('says what is wrong', () => {
    expect(() => resolveOptions({ videoId: 'bad id' })).toThrow(/videoId must be/);
    expect(() => resolveOptions({ videoId: 'a', endpoint: 'https://x' })).toThrow(/viewerId is required/);
    expect(() => resolveOptions({ videoId: 'a', viewerId: 'v', endpoint: 'https://x' })).toThrow(/token or getToken/);
    expect(() => resolveOptions({ videoId: 'a', mode: 'seconds' as never })).toThrow(/mode must be/);
    expect(() => resolveOptions({ videoId: 'a', resume: 'yes' as never })).toThrow(/resume must be true or false/);
    expect(() => resolveOptions({ videoId: 'a', preventSkipAhead: 1 as never })).toThrow(/preventSkipAhead must be/);
    expect(() => resolveOptions({ videoId: 'a', tickMs: 0 })).toThrow(/tickMs must be a positive/);
    expect(() => resolveOptions({ videoId: 'a', endpoint: 'ftp://x', viewerId: 'v', token: 't' })).toThrow(
      /endpoint 0/,
    );
  });
});
