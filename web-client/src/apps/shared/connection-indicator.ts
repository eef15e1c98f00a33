import { el, setText } from './dom.js';
import type { ConnectionState } from './mqtt-live-client.js';

/** What a page shows: the MQTT state, or `polling` while it fetches over HTTP instead. */
export type IndicatorState = ConnectionState | 'polling';

export interface ConnectionIndicator {
  readonly element: HTMLElement;
  show(state: IndicatorState): void;
}

const LABELS: Readonly<Record<IndicatorState, string>> = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  polling: 'polling',
  offline: 'offline',
};

/** A coloured dot and a word; `data-state` carries the state for styling and tests. */
export function createConnectionIndicator(initial: IndicatorState = 'connecting'): ConnectionIndicator {
  const label = el('span', { class: 'conn-label' }, LABELS[initial]);
  const element = el(
    'span',
    { class: 'conn', role: 'status', 'data-testid': 'connection-state', 'data-state': initial, title: 'Live updates' },
    el('span', { class: 'conn-dot', 'aria-hidden': 'true' }),
    label,
  );
  return {
    element,
    show(state) {
      element.dataset.state = state;
      setText(label, LABELS[state]);
    },
  };
}

/** Live wins; otherwise polling when the page polls; otherwise what MQTT says. */
export function indicatorState(live: ConnectionState, polling: boolean): IndicatorState {
  if (live === 'live') return 'live';
  return polling ? 'polling' : live;
}
