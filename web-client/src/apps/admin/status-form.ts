import { allowedOrderTransitions, type OrderSnapshot, type OrderStatus } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import type { ConsoleDeps } from './console-deps.js';

export interface StatusForm {
  readonly element: HTMLElement;
  /** Shows the choices for an order in `status`; kept as typed while neither changes. */
  show(orderId: string, status: OrderStatus): void;
}

/** Change an order's status: only the allowed next statuses, a note, and a tracking number when shipping. */
export function createStatusForm(deps: ConsoleDeps, onChanged: (snapshot: OrderSnapshot) => void): StatusForm {
  const next = el('select', { id: 'next-status', name: 'status', required: '' });
  const note = el('input', { id: 'status-note', name: 'note', maxlength: '500', autocomplete: 'off' });
  const trackingNumber = el('input', { id: 'tracking-number', name: 'trackingNumber', maxlength: '100', autocomplete: 'off' });
  const trackingField = el('div', { class: 'field' }, el('label', { for: 'tracking-number' }, 'Tracking number (optional)'), trackingNumber);
  const submit = el('button', { type: 'submit', 'data-testid': 'status-submit' }, 'Change status');
  const result = el('p', { class: 'notice', role: 'status', 'data-testid': 'status-result' });
  const problem = problemBox('status-error');
  const final = el('p', { class: 'muted', 'data-testid': 'status-final' });
  const form = el(
    'form',
    { class: 'form', 'aria-label': 'Change status' },
    el('div', { class: 'field' }, el('label', { for: 'next-status' }, 'New status'), next),
    el('div', { class: 'field' }, el('label', { for: 'status-note' }, 'Note (optional)'), note),
    trackingField,
    submit,
  );
  const element = el('div', { class: 'status-form' }, el('h3', {}, 'Change status'), form, final, result, problem.element);
  result.hidden = true;

  let shown: { orderId: string; status: OrderStatus } | undefined;
  let submitted: OrderStatus | undefined;
  const syncTrackingField = () => {
    trackingField.hidden = next.value !== 'shipped';
  };

  next.addEventListener('change', syncTrackingField);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!shown) return;
    const { orderId } = shown;
    const status = next.value as OrderStatus;
    const change = {
      status,
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
      ...(status === 'shipped' && trackingNumber.value.trim() ? { trackingNumber: trackingNumber.value.trim() } : {}),
    };
    submit.disabled = true;
    problem.show(null);
    result.hidden = true;
    deps.orders
      .changeStatus(orderId, change)
      .then((snapshot) => {
        submitted = snapshot.status;
        note.value = '';
        trackingNumber.value = '';
        setText(result, `Changed to “${ORDER_STATUS_LABELS[snapshot.status]}” (version ${snapshot.version}).`);
        result.hidden = false;
        onChanged(snapshot);
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => {
        submit.disabled = false;
      });
  });

  return {
    element,
    show(orderId, status) {
      if (shown?.orderId === orderId && shown.status === status) return;
      if (shown?.orderId !== orderId) {
        note.value = '';
        trackingNumber.value = '';
        problem.show(null);
      }
      // The last result only stays while it is still the order's status.
      if (shown?.orderId !== orderId || status !== submitted) result.hidden = true;
      shown = { orderId, status };
      const allowed = allowedOrderTransitions(status);
      next.replaceChildren(...allowed.map((s) => el('option', { value: s }, ORDER_STATUS_LABELS[s])));
      form.hidden = allowed.length === 0;
      final.hidden = allowed.length > 0;
      setText(final, `“${ORDER_STATUS_LABELS[status]}” is final: the status cannot change any more.`);
      syncTrackingField();
    },
  };
}
