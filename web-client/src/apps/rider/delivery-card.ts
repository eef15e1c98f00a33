import { canTransitionDelivery, type DeliveryStatus, type RiderAssignmentsMessage, type RiderReportedStatus } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';
import type { ReportedStatus } from './rider-reporting.js';
import { createProofPanel, METHOD_LABELS, type ProofHandlers } from './proof-panel.js';

export type Assignment = RiderAssignmentsMessage['deliveries'][number];

export interface DeliveryCardHandlers extends ProofHandlers {
  /** Keeps the report on the device for sending; resolves once it is kept. */
  report(delivery: Assignment, status: RiderReportedStatus, note?: string): Promise<void>;
  rideTo(delivery: Assignment): void;
}

/** What the card shows: the delivery, its status as the rider knows it, and the last report. */
export interface CardState {
  delivery: Assignment;
  status: DeliveryStatus;
  reported: ReportedStatus | undefined;
}

export interface DeliveryCard {
  readonly element: HTMLElement;
  update(state: CardState): void;
}

/** The buttons use the same words as the status they report. */
const ACTIONS: ReadonlyArray<Exclude<RiderReportedStatus, 'failed'>> = ['picked_up', 'in_transit', 'delivered'];

const canRide = (d: Assignment) => d.address.lat !== undefined && d.address.lng !== undefined;
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function resultText(reported: ReportedStatus): string {
  const label = DELIVERY_STATUS_LABELS[reported.status];
  return reported.sent ? `Sent “${label}” (${clock(reported.at)}).` : `“${label}” is saved on this phone and goes out as soon as there is a connection.`;
}

/** One assigned delivery: where to, its status, and the buttons that report progress. */
export function createDeliveryCard(initial: CardState, handlers: DeliveryCardHandlers): DeliveryCard {
  let state = initial;
  const id = state.delivery.deliveryId;
  const status = el('span', { class: 'badge', 'data-testid': 'delivery-status' });
  const address = el('p', { class: 'address' });
  const method = el('p', { class: 'method', 'data-testid': 'delivery-method' });
  const instructions = el('p', { class: 'instructions', 'data-testid': 'instructions' });
  const proof = createProofPanel(id, {
    enterPin: (d, pin) => handlers.enterPin(d, pin),
    uploadProof: (d, kind, image) => handlers.uploadProof(d, kind, image),
  });
  const result = el('p', { class: 'notice', role: 'status', 'data-testid': 'report-result' });
  result.hidden = true;
  const problem = problemBox('report-error');
  const reason = el('input', { id: `reason-${id}`, name: 'reason', maxlength: '500', autocomplete: 'off', placeholder: 'e.g. nobody at home' });
  const failButton = el('button', { type: 'submit', class: 'danger', 'data-action': 'failed' }, 'Report failed');
  const ride = el('button', { type: 'button', class: 'secondary demo', 'data-action': 'ride' }, 'Demo only: simulate a ride to this address');
  const actions = ACTIONS.map((action) => el('button', { type: 'button', 'data-action': action }, DELIVERY_STATUS_LABELS[action]));
  const failForm = el(
    'form',
    { class: 'row', 'aria-label': 'Report a failed delivery' },
    el('div', { class: 'field' }, el('label', { for: `reason-${id}` }, 'Reason it failed'), reason),
    failButton,
  );
  let busy = false;
  /** The last report's outcome stays in view after the assignments have caught up with it. */
  let lastReport: ReportedStatus | undefined;

  const send = (action: RiderReportedStatus, note?: string) => {
    problem.show(null);
    busy = true;
    render();
    handlers
      .report(state.delivery, action, note)
      .then(() => {
        if (action === 'failed') reason.value = '';
      })
      .catch((err: unknown) => problem.show(`Not saved: ${(err as Error).message}`))
      .finally(() => {
        busy = false;
        render();
      });
  };
  actions.forEach((button) => button.addEventListener('click', () => send(button.dataset.action as RiderReportedStatus)));
  failForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reason.value.trim()) send('failed', reason.value.trim());
  });
  reason.addEventListener('input', render);
  ride.addEventListener('click', () => handlers.rideTo(state.delivery));

  function render(): void {
    const { delivery, reported } = state;
    setText(status, DELIVERY_STATUS_LABELS[state.status]);
    status.dataset.status = state.status;
    status.dataset.waiting = String(reported !== undefined && !reported.sent);
    const a = delivery.address;
    setText(address, [a.line1, a.line2, `${a.postcode} ${a.city}`].filter(Boolean).join(', '));
    proof.update(delivery, state.status);
    setText(method, delivery.method ? METHOD_LABELS[delivery.method] : '');
    method.hidden = !delivery.method;
    setText(instructions, delivery.instructions ? `Instructions: ${delivery.instructions}` : '');
    instructions.hidden = !delivery.instructions;
    for (const button of actions) {
      const needsProof = button.dataset.action === 'delivered' && !proof.satisfied;
      button.disabled = busy || !canTransitionDelivery(state.status, button.dataset.action as RiderReportedStatus) || needsProof;
      button.title = needsProof ? 'Give the proof above first' : '';
    }
    failButton.disabled = busy || !canTransitionDelivery(state.status, 'failed') || !reason.value.trim();
    ride.hidden = !canRide(delivery);
    ride.disabled = state.status !== 'picked_up' && state.status !== 'in_transit';
    ride.title = ride.disabled ? 'Available once the parcel is picked up' : '';
    if (reported) lastReport = reported;
    else if (lastReport) lastReport = { ...lastReport, sent: true };
    result.hidden = !lastReport;
    if (lastReport) setText(result, resultText(lastReport));
  }
  render();

  const element = el(
    'li',
    { class: 'card delivery-card', 'data-delivery-id': id, 'data-order-number': state.delivery.orderNumber, 'aria-labelledby': `heading-${id}` },
    el('div', { class: 'bar' }, el('h2', { id: `heading-${id}`, class: 'card-title' }, state.delivery.orderNumber), status),
    address,
    method,
    instructions,
    proof.element,
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Report progress' }, ...actions),
    failForm,
    ride,
    result,
    problem.element,
  );

  return {
    element,
    update(next) {
      state = next;
      render();
    },
  };
}
