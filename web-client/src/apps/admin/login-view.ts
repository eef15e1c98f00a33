import { ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import { el, problemBox } from '../shared/dom.js';
import type { AdminLogin } from '../shared/orders-api.js';

export type LogIn = (username: string, password: string) => Promise<AdminLogin>;

/** The admin's sign-in form (`POST /auth/login`). */
export function createLoginView(logIn: LogIn, onSignedIn: (login: AdminLogin) => void, notice?: string): HTMLElement {
  const username = el('input', { id: 'admin-username', name: 'username', autocomplete: 'username', required: '' });
  const password = el('input', { id: 'admin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: '' });
  const submit = el('button', { type: 'submit' }, 'Sign in');
  const error = problemBox('login-error');
  if (notice) error.show(notice);
  const form = el(
    'form',
    { class: 'form', 'data-testid': 'login-form', 'aria-labelledby': 'login-heading' },
    el('div', { class: 'field' }, el('label', { for: 'admin-username' }, 'Username'), username),
    el('div', { class: 'field' }, el('label', { for: 'admin-password' }, 'Password'), password),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.show(null);
    submit.disabled = true;
    logIn(username.value.trim(), password.value)
      .then(onSignedIn)
      .catch((err: unknown) => {
        error.show(err instanceof ApiError && err.status === 401 ? 'Wrong username or password.' : describeApiError(err));
        password.select();
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return el(
    'main',
    { class: 'page' },
    el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · admin')),
    el('section', { class: 'card' }, el('h1', { id: 'login-heading', class: 'title' }, 'Sign in'), form),
    error.element,
  );
}
