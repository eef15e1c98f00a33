import { ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import { el, problemBox } from '../shared/dom.js';
import type { TrackingAccess } from '../shared/orders-api.js';

export type LookUp = (orderNumber: string, email: string) => Promise<TrackingAccess>;

/** `/track`: find an order by its number and the customer's e-mail (`POST /tracking/lookup`). */
export function createLookupView(lookUp: LookUp, onFound: (access: TrackingAccess) => void, problem?: string): HTMLElement {
  const orderNumber = el('input', {
    id: 'order-number',
    name: 'orderNumber',
    autocomplete: 'off',
    spellcheck: 'false',
    required: '',
    placeholder: 'OP-7K2M9Q',
    autocapitalize: 'characters',
  });
  const email = el('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: '', placeholder: 'you@example.com' });
  const submit = el('button', { type: 'submit' }, 'Track');
  const error = problemBox('lookup-error');
  if (problem) error.show(problem);
  const form = el(
    'form',
    { class: 'lookup', 'data-testid': 'lookup-form' },
    el('label', { for: 'order-number' }, 'Order number'),
    orderNumber,
    el('label', { for: 'email' }, 'E-mail address used for the order'),
    email,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.show(null);
    submit.disabled = true;
    lookUp(orderNumber.value.trim().toUpperCase(), email.value.trim())
      .then(onFound)
      .catch((err: unknown) => {
        error.show(
          err instanceof ApiError && err.status === 404
            ? 'No order matches that order number and e-mail address. Check both and try again.'
            : describeApiError(err),
        );
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return el(
    'main',
    { class: 'page' },
    el('header', { class: 'bar' }, el('a', { class: 'brand', href: '/track' }, 'orderpulse')),
    el(
      'section',
      { class: 'card' },
      el('h1', { class: 'title' }, 'Track your order'),
      el('p', { class: 'muted' }, 'Open the tracking link from your order confirmation, or enter your order number and e-mail address.'),
      form,
    ),
    error.element,
  );
}
