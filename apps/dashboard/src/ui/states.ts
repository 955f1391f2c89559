/** Loading, empty and error states that say what is going on and what to do. */
import { ApiError } from '../api.js';
import { h } from './dom.js';

export function loading(what: string): HTMLElement {
  return h('div', { class: 'state state-loading', role: 'status', 'data-testid': 'loading' }, `Loading ${what}…`);
}

export function empty(title: string, ...hint: Array<Node | string>): HTMLElement {
  return h('div', { class: 'state state-empty', 'data-testid': 'empty' }, h('strong', {}, title), h('p', {}, ...hint));
}

export function failure(error: unknown, retry?: () => void): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? error.issues : [];
  return h(
    'div',
    { class: 'state state-error', role: 'alert', 'data-testid': 'error' },
    h('strong', {}, 'Something went wrong'),
    h('p', {}, message),
    issues.length > 0 ? h('ul', {}, ...issues.map((i) => h('li', {}, `${i.path}: ${i.message}`))) : null,
    retry ? h('button', { type: 'button', onclick: retry }, 'Retry') : null,
  );
}

/** True when the error only means "the router is sending you to the login page". */
export function isRedirect(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.unauthorized) || (error instanceof DOMException && error.name === 'AbortError')
  );
}

/**
 * Fills `target` with a loading state, then with what `render` builds from `load()`'s result,
 * or with an error (and a retry button). Each panel of a page loads on its own, so one slow or
 * failing endpoint never blanks the whole page.
 */
export async function panelLoad<T>(
  target: HTMLElement,
  what: string,
  load: () => Promise<T>,
  render: (value: T) => Node | Array<Node>,
): Promise<void> {
  target.replaceChildren(loading(what));
  target.setAttribute('aria-busy', 'true');
  try {
    const value = await load();
    const out = render(value);
    target.replaceChildren(...(Array.isArray(out) ? out : [out]));
    target.setAttribute('data-state', 'ready');
  } catch (error) {
    if (isRedirect(error)) return;
    target.replaceChildren(failure(error, () => void panelLoad(target, what, load, render)));
    target.setAttribute('data-state', 'error');
  } finally {
    target.removeAttribute('aria-busy');
  }
}
