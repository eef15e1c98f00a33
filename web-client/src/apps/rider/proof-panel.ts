import type { DeliveryMethod, DeliveryStatus, RiderAssignmentsMessage } from '@orderpulse/contracts';
import { ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import { el, problemBox, setText } from '../shared/dom.js';

type Assignment = RiderAssignmentsMessage['deliveries'][number];

export interface ProofHandlers {
  /** Checks the PIN with delivery-service; rejects with its answer (wrong, locked). */
  enterPin(delivery: Assignment, pin: string): Promise<void>;
  /** Stores a photo or signature of the handover. */
  uploadProof(delivery: Assignment, kind: 'photo' | 'signature', image: Blob): Promise<void>;
}

export const METHOD_LABELS: Readonly<Record<DeliveryMethod, string>> = {
  hand_to_customer: 'Hand it to the customer',
  leave_at_door: 'Leave it at the door',
  safe_place: 'Leave it in a safe place',
};

/** Phones take photos of several MB; sent at most this wide or high, as JPEG, well under the 2 MB limit. */
const MAX_PHOTO_EDGE = 1600;
const HANDOVER: ReadonlySet<DeliveryStatus> = new Set(['picked_up', 'in_transit']);
/** Answers the rider should read as they are (they say what to do). */
const PLAIN_ANSWERS = new Set(['wrong_pin', 'pin_locked', 'proof_not_asked', 'proof_not_now', 'too_large', 'unsupported_type', 'not_an_image']);

function answerText(err: unknown): string {
  return err instanceof ApiError && PLAIN_ANSWERS.has(err.code) ? err.message : describeApiError(err);
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be made'))), type, quality));
}

/** The photo, scaled down to MAX_PHOTO_EDGE and re-encoded as JPEG (which also drops its location metadata). */
async function shrinkPhoto(file: File): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return toBlob(canvas, 'image/jpeg', 0.85);
}

/** A canvas the customer signs on with a finger (pointer events); `isEmpty` until they do. */
function createSignaturePad(id: string): { element: HTMLCanvasElement; clear(): void; isEmpty(): boolean } {
  const canvas = el('canvas', {
    id,
    class: 'signature',
    width: '600',
    height: '240',
    'aria-label': 'Signature: the customer signs here with a finger',
    'data-testid': 'signature-pad',
  });
  const ctx = canvas.getContext('2d');
  let drawing = false;
  let empty = true;
  const point = (event: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * canvas.width) / box.width, y: ((event.clientY - box.top) * canvas.height) / box.height };
  };
  const clear = () => {
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    empty = true;
  };
  clear();
  canvas.addEventListener('pointerdown', (event) => {
    if (!ctx) return;
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    const { x, y } = point(event);
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 4;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(x, y);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing || !ctx) return;
    const { x, y } = point(event);
    ctx.lineTo(x, y);
    ctx.stroke();
    empty = false;
  });
  const stop = () => {
    drawing = false;
  };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  return { element: canvas, clear, isEmpty: () => empty };
}

/**
 * The proof "delivered" needs, on a delivery card: the customer's PIN, a photo from the phone's
 * camera (a file input with `capture`, so the camera opens on phones), or a signature drawn on a
 * canvas. Shown while the parcel is on its way; `given` once delivery-service has accepted it.
 */
export function createProofPanel(deliveryId: string, handlers: ProofHandlers) {
  let delivery: Assignment | undefined;
  let status: DeliveryStatus = 'assigned';
  let givenHere = false;
  let lockedHere = false;
  let sawLocked = false;
  let busy = false;
  const problem = problemBox('proof-error');
  const done = el('p', { class: 'notice', role: 'status', 'data-testid': 'proof-result' });
  done.hidden = true;
  const heading = el('h3', { class: 'proof-title' });

  const pinInput = el('input', {
    id: `pin-${deliveryId}`,
    name: 'pin',
    inputmode: 'numeric',
    pattern: '[0-9]{4}',
    maxlength: '4',
    autocomplete: 'off',
    required: '',
  });
  const pinButton = el('button', { type: 'submit' }, 'Check PIN');
  const pinForm = el(
    'form',
    { class: 'row', 'aria-label': 'Enter the PIN' },
    el('div', { class: 'field' }, el('label', { for: `pin-${deliveryId}` }, "Customer's PIN"), pinInput),
    pinButton,
  );

  const photoInput = el('input', { id: `photo-${deliveryId}`, type: 'file', accept: 'image/jpeg,image/png,image/webp', capture: 'environment' });
  const photoField = el('div', { class: 'field' }, el('label', { for: `photo-${deliveryId}` }, 'Take a photo of the parcel where you leave it'), photoInput);

  const pad = createSignaturePad(`signature-${deliveryId}`);
  const clearButton = el('button', { type: 'button', class: 'secondary' }, 'Clear');
  const saveSignature = el('button', { type: 'button' }, 'Save signature');
  const signatureField = el(
    'div',
    { class: 'field' },
    el('label', { for: `signature-${deliveryId}` }, 'Customer signs here'),
    pad.element,
    el('div', { class: 'row' }, clearButton, saveSignature),
  );

  const element = el(
    'section',
    { class: 'proof', 'data-testid': 'proof', 'aria-label': 'Proof of delivery' },
    heading,
    pinForm,
    photoField,
    signatureField,
    done,
    problem.element,
  );

  const run = (work: () => Promise<void>, success: string) => {
    if (!delivery || busy) return;
    busy = true;
    problem.show(null);
    render();
    work()
      .then(() => {
        givenHere = true;
        setText(done, success);
      })
      .catch((err: unknown) => {
        if (
          err instanceof ApiError &&
          (err.code === 'pin_locked' || (err.code === 'wrong_pin' && (err.details as { attemptsLeft?: number })?.attemptsLeft === 0))
        ) {
          lockedHere = true;
        }
        problem.show(answerText(err));
      })
      .finally(() => {
        busy = false;
        render();
      });
  };
  pinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const pin = pinInput.value.trim();
    if (!/^[0-9]{4}$/.test(pin)) {
      problem.show('The PIN has 4 digits: ask the customer for the one on their tracking page.');
      return;
    }
    run(async () => {
      await handlers.enterPin(delivery!, pin);
      pinInput.value = '';
    }, 'PIN checked: you can mark it delivered.');
  });
  photoInput.addEventListener('change', () => {
    const file = photoInput.files?.[0];
    if (!file) return;
    run(async () => handlers.uploadProof(delivery!, 'photo', await shrinkPhoto(file)), 'Photo saved: you can mark it delivered.');
  });
  clearButton.addEventListener('click', () => pad.clear());
  saveSignature.addEventListener('click', () => {
    if (pad.isEmpty()) {
      problem.show('Ask the customer to sign in the box first.');
      return;
    }
    run(async () => handlers.uploadProof(delivery!, 'signature', await toBlob(pad.element, 'image/png')), 'Signature saved: you can mark it delivered.');
  });

  function render(): void {
    const proof = delivery?.proof;
    const required = proof?.required ?? 'none';
    const given = givenHere || proof?.given === true;
    const locked = !given && (lockedHere || proof?.locked === true);
    element.hidden = !delivery || required === 'none' || !HANDOVER.has(status);
    element.dataset.required = required;
    element.dataset.given = String(given);
    setText(
      heading,
      required === 'pin'
        ? 'Proof: the PIN on the customer’s tracking page'
        : required === 'photo'
          ? 'Proof: a photo of the parcel'
          : 'Proof: the customer’s signature',
    );
    pinForm.hidden = required !== 'pin' || given || locked;
    photoField.hidden = required !== 'photo' || given;
    signatureField.hidden = required !== 'signature' || given;
    for (const control of [pinInput, pinButton, photoInput, saveSignature, clearButton]) control.disabled = busy;
    done.hidden = !given;
    if (given && !done.textContent) setText(done, 'Proof given: you can mark it delivered.');
    element.dataset.locked = String(locked);
    if (locked && !problem.element.textContent) problem.show('Too many wrong PINs: entering a PIN is locked for this delivery. Ask the shop to unlock it.');
  }

  return {
    element,
    /** Whether "Delivered" may be sent: no proof needed, or it was given. */
    get satisfied(): boolean {
      const proof = delivery?.proof;
      return !proof || proof.required === 'none' || proof.given || givenHere;
    },
    update(next: Assignment, nextStatus: DeliveryStatus): void {
      // The list said locked, and now says not: an admin unlocked it, the PIN can be entered again.
      if (next.proof?.locked) sawLocked = true;
      else if (sawLocked && next.proof && !next.proof.locked) {
        sawLocked = false;
        lockedHere = false;
        problem.show(null);
      }
      delivery = next;
      status = nextStatus;
      render();
    },
  };
}
