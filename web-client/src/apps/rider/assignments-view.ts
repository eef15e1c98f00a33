import { el } from '../shared/dom.js';
import { createDeliveryCard, type Assignment, type DeliveryCard, type DeliveryCardHandlers } from './delivery-card.js';

/** The rider's open deliveries; cards are kept per delivery so typed input survives updates. */
export function createAssignmentsView(handlers: DeliveryCardHandlers): { element: HTMLElement; render(deliveries: readonly Assignment[] | undefined): void } {
  const list = el('ol', { class: 'assignments', 'data-testid': 'assignments', 'aria-label': 'Your deliveries' });
  const empty = el('p', { class: 'card muted', 'data-testid': 'assignments-empty' }, 'Loading your deliveries…');
  const element = el('div', { class: 'stack' }, empty, list);
  const cards = new Map<string, DeliveryCard>();

  return {
    element,
    render(deliveries) {
      if (!deliveries) return;
      const wanted = new Set(deliveries.map((d) => d.deliveryId));
      for (const [id, card] of cards) {
        if (!wanted.has(id)) {
          card.element.remove();
          cards.delete(id);
        }
      }
      for (const delivery of deliveries) {
        const existing = cards.get(delivery.deliveryId);
        if (existing) existing.update(delivery);
        else cards.set(delivery.deliveryId, createDeliveryCard(delivery, handlers));
      }
      const ordered = deliveries.map((d) => cards.get(d.deliveryId)?.element).filter((e): e is HTMLElement => e !== undefined);
      // Re-inserting would take the focus out of a half-typed reason; only reorder on change.
      if (ordered.some((e, i) => list.children[i] !== e) || list.children.length !== ordered.length) list.replaceChildren(...ordered);
      empty.textContent = 'No deliveries assigned to you right now. New ones appear here by themselves.';
      empty.hidden = deliveries.length > 0;
    },
  };
}
