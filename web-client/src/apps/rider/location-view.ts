import { el, setText } from '../shared/dom.js';
import type { LocationStatus } from './device-location.js';
import { MAX_ACCURACY_M } from './location-reporter.js';

export interface LocationViewState {
  status: LocationStatus;
  carrying: boolean;
  demoRide: boolean;
}

/** One sentence about the device's location: shared or not, how accurate, and what to do if not. */
export function describeLocation({ status, carrying, demoRide }: LocationViewState): string {
  if (demoRide) return 'A demo ride is running: it reports pretend positions instead of this device’s location.';
  switch (status.state) {
    case 'unsupported':
      return 'This device cannot share its location. You can still report your progress below.';
    case 'waiting':
      return 'Finding your location…';
    case 'denied':
      return 'Location is blocked for this app, so customers cannot follow the delivery. Allow location for this site in your browser’s settings. You can still report your progress below.';
    case 'unavailable':
      return 'Your location is not available right now (no GPS or network fix). It is sent again once the device finds it. You can still report your progress below.';
    case 'ok': {
      const accuracy = `accurate to about ${status.fix.accuracyM} m`;
      if (status.fix.accuracyM > MAX_ACCURACY_M) return `Location too rough to send (${accuracy}); waiting for a better fix.`;
      return carrying ? `Sharing your location, ${accuracy}.` : `Location ready, ${accuracy}. It is shared while you carry a parcel.`;
    }
  }
}

/** The location card; `data-state` is the device's state (`ok`, `denied`, …) for styling and tests. */
export function createLocationView(): { element: HTMLElement; render(state: LocationViewState): void } {
  const text = el('p', { 'data-testid': 'location-text' });
  const element = el(
    'section',
    { class: 'card location', 'aria-labelledby': 'location-heading', 'data-testid': 'location-state', 'data-state': 'waiting' },
    el('h2', { id: 'location-heading', class: 'card-title' }, 'Your location'),
    text,
  );
  return {
    element,
    render(state) {
      element.dataset.state = state.demoRide ? 'demo' : state.status.state;
      setText(text, describeLocation(state));
    },
  };
}
