import type { OrderTrackingMessage } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';

/** Fetches the delivery's proof photo or signature (with the customer's token) as a data: URL. */
export type ProofImageLoader = (deliveryId: string) => Promise<string>;

const OPEN = new Set(['awaiting_assignment', 'assigned', 'picked_up', 'in_transit']);

/**
 * Proof of delivery on the customer's page: the PIN to read out to the rider (until it is
 * entered), what the rider will ask for otherwise, and the photo or signature once stored.
 */
export function createProofView(loadImage: ProofImageLoader | undefined) {
  const title = el('h3', { class: 'proof-title' });
  const pin = el('p', { class: 'pin', 'data-testid': 'delivery-pin' });
  const text = el('p', { class: 'muted small', 'data-testid': 'proof-text' });
  const image = el('img', { class: 'proof-image', 'data-testid': 'proof-image', alt: '' });
  image.hidden = true;
  const element = el('section', { class: 'proof', 'data-testid': 'proof', 'aria-label': 'Proof of delivery' }, title, pin, text, image);
  element.hidden = true;
  let shownFile: string | undefined;

  function showImage(tracking: OrderTrackingMessage): void {
    const file = tracking.proof?.file;
    if (!file || !loadImage) return;
    const key = `${tracking.deliveryId}/${file.at}`;
    if (shownFile === key) return;
    shownFile = key;
    image.alt = file.kind === 'photo' ? 'Photo the rider took of your parcel' : 'The signature given at the door';
    loadImage(tracking.deliveryId)
      .then((url) => {
        if (shownFile !== key) return;
        image.src = url;
        image.hidden = false;
      })
      .catch((err: unknown) => {
        console.warn(`could not load the proof image: ${(err as Error).message}`);
        shownFile = undefined;
      });
  }

  return {
    element,
    render(tracking: OrderTrackingMessage | undefined): void {
      const proof = tracking?.proof;
      element.hidden = !tracking || !proof || proof.required === 'none';
      if (!tracking || !proof || proof.required === 'none') return;
      element.dataset.required = proof.required;
      const open = OPEN.has(tracking.status);
      pin.hidden = true;
      if (proof.required === 'pin') {
        setText(title, 'Your delivery PIN');
        if (proof.givenAt) setText(text, 'The rider entered your PIN: the handover is confirmed.');
        else if (proof.lockedAt) setText(text, 'A wrong PIN was entered too many times. The shop has been told and will sort it out.');
        else if (open && proof.pin) {
          setText(pin, proof.pin);
          pin.hidden = false;
          setText(text, 'Tell it to the rider when they hand you the parcel, not before: they need it to finish the delivery.');
        } else setText(text, tracking.status === 'delivered' ? 'Delivered.' : 'No PIN is needed any more.');
        return;
      }
      const photo = proof.required === 'photo';
      setText(title, photo ? 'Photo of the delivery' : 'Signature');
      if (proof.file) {
        setText(text, photo ? 'The rider took this photo where they left your parcel.' : 'Signed at the door.');
        showImage(tracking);
      } else {
        setText(text, photo ? 'The rider will take a photo of your parcel where they leave it.' : 'You will be asked to sign on the rider’s phone.');
      }
    },
  };
}
