import type { DeliveryTrack } from '@orderpulse/contracts';
import { describeApiError } from '../shared/api-error-text.js';
import type { DeliveryApi } from '../shared/delivery-api.js';
import { el } from '../shared/dom.js';
import { drawReplayPath } from '../shared/ridden-path.js';
import type { TrackingState } from './tracking-state.js';

/**
 * Once the order is delivered, the way the rider came (the delivery's kept positions), fetched
 * once. Only built when the site allows it (`customerPathAfterDelivery` in /config.json, with
 * delivery-service's CUSTOMER_TRACK_AFTER_DELIVERY); delivery-service refuses it before delivery.
 * `data-points` says how many positions were drawn.
 */
export function createDeliveredPath(delivery: Pick<DeliveryApi, 'track'>): { element: HTMLElement; update(state: TrackingState): void } {
  const element = el('section', { class: 'card delivered-path', 'aria-labelledby': 'delivered-path-heading', 'data-testid': 'delivered-path' });
  element.hidden = true;
  let asked: string | undefined;

  const show = (track: DeliveryTrack) => {
    if (track.points.length === 0) return;
    element.dataset.points = String(track.points.length);
    element.replaceChildren(
      el('h2', { id: 'delivered-path-heading', class: 'card-title' }, 'The way your order came'),
      el(
        'figure',
        { class: 'replay-path' },
        drawReplayPath(track.points, track.points, track.destination, `The rider's path to you: ${track.points.length} positions.`),
      ),
    );
    element.hidden = false;
  };

  return {
    element,
    update(state) {
      const tracking = state.tracking;
      if (!tracking || tracking.status !== 'delivered' || asked === tracking.deliveryId) return;
      asked = tracking.deliveryId;
      delivery.track(tracking.deliveryId).then(show, (err: unknown) => console.warn(`the delivered path could not load: ${describeApiError(err)}`));
    },
  };
}
