import type { AdminFeedMessage } from '@orderpulse/contracts';
import { el } from '../shared/dom.js';
import { formatWhen } from '../shared/relative-time.js';
import { describeFeedEntry, replacesPrevious } from './feed-text.js';

const MAX_ENTRIES = 50;

/** The live feed of `admin/orders`, newest first. */
export function createEventFeedView(orderNumberOf: (orderId: string) => string | undefined): { element: HTMLElement; add(entry: AdminFeedMessage): void } {
  const list = el('ol', { class: 'feed', 'data-testid': 'event-feed', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const empty = el('p', { class: 'muted small' }, 'Changes to orders and deliveries appear here as they happen.');
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'feed-heading' },
    el('h2', { id: 'feed-heading', class: 'card-title' }, 'Live feed'),
    empty,
    list,
  );
  let newest: AdminFeedMessage | undefined;

  return {
    element,
    add(entry) {
      const time = el('time', { datetime: entry.occurredAt }, formatWhen(entry.occurredAt));
      const item = el(
        'li',
        { 'data-type': entry.type, 'data-order-id': entry.orderId },
        time,
        el('span', { class: 'feed-text' }, describeFeedEntry(entry, orderNumberOf)),
      );
      if (replacesPrevious(newest, entry) && list.firstElementChild) list.firstElementChild.replaceWith(item);
      else list.prepend(item);
      newest = entry;
      empty.hidden = true;
      while (list.childElementCount > MAX_ENTRIES) list.lastElementChild?.remove();
    },
  };
}
