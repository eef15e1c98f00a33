import { el } from '../shared/dom.js';
import { isValidOrderId } from './route.js';

/**
 * `/track` without an order: for now it opens an order by its id. Lookup by order number and
 * e-mail (`POST /tracking/lookup`) arrives with customer tokens.
 */
export function createLookupView(problem?: string): HTMLElement {
  const input = el('input', { id: 'order-id', name: 'orderId', autocomplete: 'off', spellcheck: 'false', required: '', placeholder: 'e.g. 3f1c8a52-9a7e-…' });
  const error = el('p', { class: 'problem', role: 'alert' }, problem ?? '');
  error.hidden = !problem;
  const form = el('form', { class: 'lookup', 'data-testid': 'lookup-form' },
    el('label', { for: 'order-id' }, 'Order id'),
    input,
    el('button', { type: 'submit' }, 'Track'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const orderId = input.value.trim();
    if (!isValidOrderId(orderId)) {
      error.textContent = 'That is not an order id. It is the last part of your tracking link.';
      error.hidden = false;
      return;
    }
    window.location.assign(`/track/${encodeURIComponent(orderId)}`);
  });
  return el('main', { class: 'page' },
    el('header', { class: 'bar' }, el('a', { class: 'brand', href: '/track' }, 'orderpulse')),
    el('section', { class: 'card' },
      el('h1', { class: 'title' }, 'Track your order'),
      el('p', { class: 'muted' }, 'Open the tracking link from your order confirmation, or enter the order id from that link.'),
      form,
      el('p', { class: 'muted small' }, 'Looking up an order by its number and your e-mail address is coming soon.'),
    ),
    error,
  );
}
