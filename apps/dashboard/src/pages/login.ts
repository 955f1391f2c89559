import { ApiError, api } from '../api.js';
import type { Page } from '../router.js';
import { Router } from '../router.js';
import { h } from '../ui/dom.js';

/** Only same-app hash paths are followed after login (no open redirect through `next`). */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export const loginPage: Page = ({ root, query }) => {
  const password = h('input', {
    type: 'password',
    name: 'password',
    id: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'password',
  });
  const message = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
  const submit = h('button', { type: 'submit', 'data-testid': 'login-submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'login-form', 'data-testid': 'login-form' },
    h('h1', {}, 'watchtime'),
    h('p', { class: 'muted' }, 'Analyst dashboard — what viewers really watched, and how playback really went.'),
    h('label', { for: 'password' }, 'Analyst password'),
    password,
    message,
    submit,
    h(
      'p',
      { class: 'muted small' },
      'The password is WATCHTIME_ANALYST_PASSWORD, or the one the server printed at its first start.',
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.hidden = true;
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    try {
      await api.login(password.value);
      Router.go(safeNext(query.get('next')));
    } catch (error) {
      message.textContent =
        error instanceof ApiError && (error.status === 401 || error.status === 403)
          ? 'That password is not right. Try again.'
          : error instanceof Error
            ? error.message
            : String(error);
      message.hidden = false;
      password.select();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Log in';
    }
  });
  root.append(h('div', { class: 'login' }, form));
  password.focus();
};
