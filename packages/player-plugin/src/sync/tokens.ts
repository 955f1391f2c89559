/** The viewer token: a fixed string or an async provider, cached so page exit can use it synchronously. */
export class TokenSource {
  private current: string | undefined;
  private pending: Promise<string> | null = null;

  constructor(
    token: string | undefined,
    private readonly provider: (() => string | Promise<string>) | undefined,
  ) {
    this.current = token;
  }

  /** The last token known, for page exit (no time to ask a provider then). */
  get cached(): string | undefined {
    return this.current;
  }

  async get(): Promise<string> {
    if (this.current) return this.current;
    return this.refresh();
  }

  /** Asks the provider again (after a 401); a fixed token is returned as is. */
  refresh(): Promise<string> {
    if (!this.provider) {
      if (this.current) return Promise.resolve(this.current);
      return Promise.reject(new Error('watchtime: no token and no getToken()'));
    }
    if (!this.pending) {
      const provider = this.provider;
      this.pending = (async () => {
        try {
          const t = await provider();
          if (typeof t !== 'string' || t.length === 0) throw new Error('watchtime: getToken() returned no token');
          this.current = t;
          return t;
        } finally {
          this.pending = null;
        }
      })();
    }
    return this.pending;
  }
}
