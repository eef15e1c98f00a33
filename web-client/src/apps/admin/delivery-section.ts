import { orderTrackingMessageSchema, topics, type DeliveryMethod, type DeliveryStatus, type OrderTrackingMessage } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { deliveryLabel } from '../shared/status-labels.js';
import type { ConsoleDeps } from './console-deps.js';

interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  rider: { id: string; name: string } | undefined;
  arrivingAt?: string | undefined;
  proof?: OrderTrackingMessage['proof'];
  version: number;
}

/** What the tracking topic does not carry (it is the customer's): from the HTTP snapshot. */
interface DeliveryExtras {
  deliveryId: string;
  instructions: string | undefined;
  method: DeliveryMethod | undefined;
  failedPinAttempts: number;
}

const METHOD_TEXT: Readonly<Record<DeliveryMethod, string>> = {
  hand_to_customer: 'hand to the customer',
  leave_at_door: 'leave at the door',
  safe_place: 'leave in a safe place',
};

const ASSIGNABLE: ReadonlySet<DeliveryStatus> = new Set(['awaiting_assignment', 'assigned']);

/** The open order's delivery: its status and rider, live, and a form to assign a rider. */
export function createDeliverySection(deps: ConsoleDeps): { element: HTMLElement; open(orderId: string): void; close(): void } {
  const summary = el('p', { 'data-testid': 'delivery-summary' });
  const status = el('span', { class: 'badge', 'data-testid': 'delivery-status' });
  const rider = el('span', { 'data-testid': 'delivery-rider' });
  const select = el('select', { id: 'assign-rider', name: 'riderId', required: '' });
  const submit = el('button', { type: 'submit', 'data-testid': 'assign-submit' }, 'Assign');
  const result = el('p', { class: 'notice', role: 'status', 'data-testid': 'assign-result' });
  const handover = el('p', { 'data-testid': 'delivery-handover' });
  const proofText = el('p', { 'data-testid': 'delivery-proof' });
  const unlock = el('button', { type: 'button', class: 'secondary', 'data-testid': 'unlock-pin' }, 'Unlock PIN');
  const proofImage = el('img', { class: 'proof-image', 'data-testid': 'proof-image', alt: '' });
  proofImage.hidden = true;
  unlock.hidden = true;
  let extras: DeliveryExtras | undefined;
  let shownImage: string | undefined;
  const problem = problemBox('assign-error');
  const form = el(
    'form',
    { class: 'row', 'aria-label': 'Assign a rider' },
    el('div', { class: 'field' }, el('label', { for: 'assign-rider' }, 'Rider'), select),
    submit,
  );
  const details = el(
    'div',
    { class: 'delivery-details' },
    el('p', {}, 'Delivery: ', status, ' · Rider: ', rider),
    handover,
    proofText,
    unlock,
    proofImage,
    form,
  );
  const element = el(
    'div',
    { class: 'delivery-section', 'data-testid': 'delivery-section' },
    el('h3', {}, 'Delivery'),
    summary,
    details,
    result,
    problem.element,
  );

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
    const known = extras?.deliveryId === state.deliveryId ? extras : undefined;
    const how = [known?.method ? `Method: ${METHOD_TEXT[known.method]}` : '', known?.instructions ? `Instructions: ${known.instructions}` : '']
      .filter(Boolean)
      .join(' · ');
    setText(handover, how);
    handover.hidden = !how;
    renderProof(state, known);
  }

  function renderProof(current: DeliveryState, known: DeliveryExtras | undefined): void {
    const proof = current.proof;
    proofText.hidden = !proof || proof.required === 'none';
    unlock.hidden = !proof?.lockedAt || proof.givenAt !== undefined;
    proofImage.hidden = !proof?.file || shownImage === undefined;
    if (!proof || proof.required === 'none') return;
    let line: string;
    if (proof.required === 'pin') {
      const wrong = known && known.failedPinAttempts > 0 && !proof.givenAt ? `, ${known.failedPinAttempts} wrong` : '';
      line = proof.givenAt
        ? 'Proof: PIN entered by the rider'
        : proof.lockedAt
          ? `Proof: PIN ${proof.pin ?? ''} locked after too many wrong ones`
          : `Proof: PIN ${proof.pin ?? ''}, not entered yet${wrong}`;
    } else {
      line = proof.file ? `Proof: ${proof.file.kind} stored` : `Proof: a ${proof.required} when handed over`;
    }
    setText(proofText, line);
    proofText.dataset.given = String(proof.givenAt !== undefined);
    const file = proof.file;
    if (file && shownImage !== `${current.deliveryId}/${file.at}`) {
      const key = `${current.deliveryId}/${file.at}`;
      shownImage = key;
      proofImage.alt = `${file.kind === 'photo' ? 'Photo' : 'Signature'} given at the handover`;
      deps
        .proofImage(current.deliveryId)
        .then((url) => {
          if (shownImage !== key) return;
          proofImage.src = url;
          proofImage.hidden = false;
        })
        .catch((err: unknown) => problem.show(deps.failed(err)));
    }
  }

  unlock.addEventListener('click', () => {
    if (!state) return;
    unlock.disabled = true;
    problem.show(null);
    deps.delivery
      .unlockPin(state.deliveryId)
      .then((d) => {
        extras = { deliveryId: d.id, instructions: d.instructions, method: d.method, failedPinAttempts: d.proof?.failedPinAttempts ?? 0 };
        apply({ deliveryId: d.id, status: d.status, rider: d.rider ?? undefined, arrivingAt: d.arrivingAt, proof: d.proof, version: d.version });
        setText(result, 'PIN unlocked: the rider can enter it again.');
        result.hidden = false;
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => {
        unlock.disabled = false;
      });
  });

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
    deps.delivery
      .assign(state.deliveryId, select.value)
      .then((d) => {
        apply({ deliveryId: d.id, status: d.status, rider: d.rider ?? undefined, arrivingAt: d.arrivingAt, proof: d.proof, version: d.version });
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
    extras = undefined;
    shownImage = undefined;
    proofImage.hidden = true;
    proofImage.removeAttribute('src');
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
        onMessage: (m) => apply({ deliveryId: m.deliveryId, status: m.status, rider: m.rider, arrivingAt: m.arrivingAt, proof: m.proof, version: m.version }),
      });
      deps.delivery
        .deliveriesOfOrder(id)
        .then((items) => {
          const latest = [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
          if (!latest || orderId !== id) return;
          extras = { deliveryId: latest.id, instructions: latest.instructions, method: latest.method, failedPinAttempts: latest.proof?.failedPinAttempts ?? 0 };
          apply({
            deliveryId: latest.id,
            status: latest.status,
            rider: latest.rider ?? undefined,
            arrivingAt: latest.arrivingAt,
            proof: latest.proof,
            version: latest.version,
          });
          render();
        })
        .catch((err: unknown) => problem.show(deps.failed(err)));
    },
  };
}
