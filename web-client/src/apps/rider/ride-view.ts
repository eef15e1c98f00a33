import { greatCircleKm, type LatLng } from '@orderpulse/contracts';
import { el, setText } from '../shared/dom.js';
import { formatDistance } from '../shared/relative-time.js';
import type { RideSimulator } from './ride-simulator.js';

export interface RideTarget extends LatLng {
  deliveryId: string;
  orderNumber: string;
}

/** The demo ride: where the pretend rider is, how far is left, and a stop button. */
export function createRideView(simulator: RideSimulator): { element: HTMLElement; render(target: RideTarget | undefined): void } {
  const text = el('p', { 'data-testid': 'ride-state' });
  const stop = el('button', { type: 'button', class: 'secondary', 'data-testid': 'ride-stop' }, 'Stop the demo ride');
  stop.addEventListener('click', () => simulator.stop());
  const element = el(
    'section',
    { class: 'card ride', 'aria-labelledby': 'ride-heading', 'aria-live': 'polite' },
    el('h2', { id: 'ride-heading', class: 'card-title' }, 'Demo ride (simulated positions)'),
    text,
    stop,
  );
  element.hidden = true;

  return {
    element,
    render(target) {
      const position = simulator.position;
      element.hidden = !position;
      if (!position) return;
      const where = `${position.lat.toFixed(5)}, ${position.lng.toFixed(5)}`;
      const left = target ? ` · ${formatDistance(greatCircleKm(position, target))} to ${target.orderNumber}` : '';
      setText(text, `${simulator.running ? 'Moving' : 'Stopped'} at ${where}${left}`);
      element.dataset.running = String(simulator.running);
      stop.hidden = !simulator.running;
    },
  };
}
