import { canTransitionDelivery, type RiderAssignmentsMessage, type RiderReportedStatus } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';

export type Assignment = RiderAssignmentsMessage['deliveries'][number];

export interface DeliveryCardHandlers {
  /** Publishes the report; resolves once the broker has it. */
  report(deliveryId: string, status: RiderReportedStatus, note?: string): Promise<void>;
  rideTo(delivery: Assignment): void;
}

export interface DeliveryCard {
  readonly element: HTMLElement;
  update(delivery: Assignment): void;
}

const ACTION_LABELS: Readonly<Record<Exclude<RiderReportedStatus, 'failed'>, string>> = {
  picked_up: 'Picked up',
  in_transit: 'In transit',
  delivered: 'Delivered',
};

const canRide = (d: Assignment) => d.address.lat !== undefined && d.address.lng !== undefined;

/** One assigned delivery: where to, its status, and the buttons that report progress. */
export function createDeliveryCard(initial: Assignment, handlers: DeliveryCardHandlers): DeliveryCard {
  let delivery = initial;
  const id = delivery.deliveryId;
  const status = el('span', { class: 'badge', 'data-testid': 'delivery-status' });
  const address = el('p', { class: 'address' });
  const result = el('p', { class: 'notice', role: 'status', 'data-testid': 'report-result' });
  result.hidden = true;
  const problem = problemBox('report-error');
  const reason = el('input', { id: `reason-${id}`, name: 'reason', maxlength: '500', autocomplete: 'off', placeholder: 'e.g. nobody at home' });
  const failButton = el('button', { type: 'submit', class: 'danger', 'data-action': 'failed' }, 'Report failed');
  const ride = el('button', { type: 'button', class: 'secondary', 'data-action': 'ride' }, 'Simulate ride to this address');
  const actions = (Object.keys(ACTION_LABELS) as Array<keyof typeof ACTION_LABELS>).map((action) =>
    el('button', { type: 'button', 'data-action': action }, ACTION_LABELS[action]));
  const failForm = el('form', { class: 'row', 'aria-label': 'Report a failed delivery' },
    el('div', { class: 'field' }, el('label', { for: `reason-${id}` }, 'Reason it failed'), reason), failButton);

  const send = (action: RiderReportedStatus, note?: string) => {
    problem.show(null);
    result.hidden = true;
    for (const button of [...actions, failButton]) button.disabled = true;
    handlers.report(id, action, note)
      .then(() => {
        setText(result, `Sent “${DELIVERY_STATUS_LABELS[action]}” at ${new Date().toLocaleTimeString()}.`);
        result.hidden = false;
        if (action === 'failed') reason.value = '';
      })
      .catch((err: unknown) => problem.show(`Not sent: ${(err as Error).message}`))
      .finally(render);
  };
  actions.forEach((button) => button.addEventListener('click', () => send(button.dataset.action as RiderReportedStatus)));
  failForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reason.value.trim()) send('failed', reason.value.trim());
  });
  reason.addEventListener('input', render);
  ride.addEventListener('click', () => handlers.rideTo(delivery));

  function render(): void {
    setText(status, DELIVERY_STATUS_LABELS[delivery.status]);
    status.dataset.status = delivery.status;
    const a = delivery.address;
    setText(address, [a.line1, a.line2, `${a.postcode} ${a.city}`].filter(Boolean).join(', '));
    for (const button of actions) button.disabled = !canTransitionDelivery(delivery.status, button.dataset.action as RiderReportedStatus);
    failButton.disabled = !canTransitionDelivery(delivery.status, 'failed') || !reason.value.trim();
    ride.hidden = !canRide(delivery);
    ride.disabled = delivery.status !== 'picked_up' && delivery.status !== 'in_transit';
    ride.title = ride.disabled ? 'Available once the parcel is picked up' : '';
  }
  render();

  const element = el('li', { class: 'card delivery-card', 'data-delivery-id': id, 'data-order-number': delivery.orderNumber, 'aria-labelledby': `heading-${id}` },
    el('div', { class: 'bar' }, el('h2', { id: `heading-${id}`, class: 'card-title' }, delivery.orderNumber), status),
    address,
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Report progress' }, ...actions),
    failForm,
    ride,
    result,
    problem.element);

  return {
    element,
    update(next) {
      delivery = next;
      render();
    },
  };
}
