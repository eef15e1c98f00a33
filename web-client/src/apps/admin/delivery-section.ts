import { orderTrackingMessageSchema, topics, type DeliveryStatus } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { deliveryLabel } from '../shared/status-labels.js';
import type { ConsoleDeps } from './console-deps.js';

interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  rider: { id: string; name: string } | undefined;
  arrivingAt?: string | undefined;
  version: number;
}

const ASSIGNABLE: ReadonlySet<DeliveryStatus> = new Set(['awaiting_assignment', 'assigned']);

/** The open order's delivery: its status and rider, live, and a form to assign a rider. */
export function createDeliverySection(deps: ConsoleDeps): { element: HTMLElement; open(orderId: string): void; close(): void } {
  const summary = el('p', { 'data-testid': 'delivery-summary' });
  const status = el('span', { class: 'badge', 'data-testid': 'delivery-status' });
  const rider = el('span', { 'data-testid': 'delivery-rider' });
  const select = el('select', { id: 'assign-rider', name: 'riderId', required: '' });
  const submit = el('button', { type: 'submit', 'data-testid': 'assign-submit' }, 'Assign');
  const result = el('p', { class: 'notice', role: 'status', 'data-testid': 'assign-result' });
  const problem = problemBox('assign-error');
  const form = el('form', { class: 'row', 'aria-label': 'Assign a rider' },
    el('div', { class: 'field' }, el('label', { for: 'assign-rider' }, 'Rider'), select), submit);
  const details = el('div', { class: 'delivery-details' }, el('p', {}, 'Delivery: ', status, ' · Rider: ', rider), form);
  const element = el('div', { class: 'delivery-section', 'data-testid': 'delivery-section' }, el('h3', {}, 'Delivery'), summary, details, result, problem.element);

  result.hidden = true;
  let orderId: string | undefined;
  let state: DeliveryState | undefined;
  let unsubscribe: (() => void) | undefined;

  const apply = (next: DeliveryState) => {
    if (state && state.deliveryId === next.deliveryId && next.version <= state.version) return;
    state = next;
    render();
  };
  const renderRiders = () => {
    const chosen = select.value || state?.rider?.id;
    select.replaceChildren(...deps.riders.list.map((r) => el('option', { value: r.id }, r.name)));
    if (chosen && deps.riders.list.some((r) => r.id === chosen)) select.value = chosen;
  };
  function render(): void {
    summary.hidden = state !== undefined;
    details.hidden = state === undefined;
    setText(summary, 'No delivery yet: one is created when the order ships.');
    if (!state) return;
    setText(status, deliveryLabel(state));
    status.dataset.status = state.status;
    setText(rider, state.rider?.name ?? 'none');
    form.hidden = !ASSIGNABLE.has(state.status);
    submit.disabled = deps.riders.list.length === 0;
  }

  deps.riders.on('changed', () => {
    renderRiders();
    render();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!state || !select.value) return;
    submit.disabled = true;
    problem.show(null);
    result.hidden = true;
    deps.delivery.assign(state.deliveryId, select.value)
      .then((d) => {
        apply({ deliveryId: d.id, status: d.status, rider: d.rider ?? undefined, arrivingAt: d.arrivingAt, version: d.version });
        setText(result, `Assigned to ${d.rider?.name ?? 'the rider'}.`);
        result.hidden = false;
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => render());
  });

  function close(): void {
    unsubscribe?.();
    unsubscribe = undefined;
    orderId = undefined;
    state = undefined;
    result.hidden = true;
    problem.show(null);
  }

  return {
    element,
    close,
    open(id) {
      if (id === orderId) return;
      close();
      orderId = id;
      render();
      renderRiders();
      unsubscribe = deps.live.subscribe({
        topic: topics.orderTracking(id),
        schema: orderTrackingMessageSchema,
        onMessage: (m) => apply({ deliveryId: m.deliveryId, status: m.status, rider: m.rider, arrivingAt: m.arrivingAt, version: m.version }),
      });
      deps.delivery.deliveriesOfOrder(id)
        .then((items) => {
          const latest = [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
          if (latest && orderId === id) apply({ deliveryId: latest.id, status: latest.status, rider: latest.rider ?? undefined, arrivingAt: latest.arrivingAt, version: latest.version });
        })
        .catch((err: unknown) => problem.show(deps.failed(err)));
    },
  };
}
