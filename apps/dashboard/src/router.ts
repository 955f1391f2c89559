/**
 * A hash router: `#/videos/abc?x=1`. Hash routes need nothing from the server beyond index.html,
 * so the same build works behind the server, in `vite dev` and from a file share.
 */
export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  root: HTMLElement;
  /** Aborted when the user navigates away: pages stop fetches, observers and timers with it. */
  signal: AbortSignal;
}

export type Page = (ctx: PageContext) => void | Promise<void>;

interface Route {
  name: string;
  pattern: RegExp;
  keys: string[];
  page: Page;
}

export class Router {
  private routes: Route[] = [];
  private current: AbortController | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly notFound: Page,
    private readonly onChange: (name: string) => void = () => {},
  ) {}

  add(name: string, path: string, page: Page): this {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ name, pattern: new RegExp(`^${source}$`), keys, page });
    return this;
  }

  start(): void {
    window.addEventListener('hashchange', () => void this.resolve());
    void this.resolve();
  }

  /** The current location as "/path?query" (what the login page returns to). */
  static here(): string {
    return location.hash.replace(/^#/, '') || '/';
  }

  static go(path: string): void {
    if (Router.here() === path) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = `#${path}`;
  }

  async resolve(): Promise<void> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    const [pathPart = '/', queryPart = ''] = Router.here().split('?');
    // Tests and styles can tell which location the page on screen belongs to.
    this.root.dataset.path = Router.here();
    const query = new URLSearchParams(queryPart);
    for (const route of this.routes) {
      const m = route.pattern.exec(pathPart);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1] ?? '');
      });
      this.root.replaceChildren();
      this.root.setAttribute('data-page', route.name);
      this.onChange(route.name);
      await route.page({ params, query, root: this.root, signal: controller.signal });
      return;
    }
    this.root.replaceChildren();
    this.root.setAttribute('data-page', 'not-found');
    this.onChange('not-found');
    await this.notFound({ params: {}, query, root: this.root, signal: controller.signal });
  }
}
