import { el } from '../shared/dom.js';
import { createDeliveryCard, type CardState, type DeliveryCard, type DeliveryCardHandlers } from './delivery-card.js';

/** The rider's open deliveries; cards are kept per delivery so typed input survives updates. */
export function createAssignmentsView(handlers: DeliveryCardHandlers): { element: HTMLElement; render(cards: readonly CardState[] | undefined): void } {
  const list = el('ol', { class: 'assignments', 'data-testid': 'assignments', 'aria-label': 'Your deliveries' });
  const empty = el('p', { class: 'card muted', 'data-testid': 'assignments-empty' }, 'Loading your deliveries…');
  const element = el('div', { class: 'stack' }, empty, list);
  const cards = new Map<string, DeliveryCard>();

  return {
    element,
    render(states) {
      if (!states) return;
      const wanted = new Set(states.map((s) => s.delivery.deliveryId));
      for (const [id, card] of cards) {
        if (!wanted.has(id)) {
          card.element.remove();
          cards.delete(id);
        }
      }
      for (const state of states) {
        const existing = cards.get(state.delivery.deliveryId);
        if (existing) existing.update(state);
        else cards.set(state.delivery.deliveryId, createDeliveryCard(state, handlers));
      }
      const ordered = states.map((s) => cards.get(s.delivery.deliveryId)?.element).filter((e): e is HTMLElement => e !== undefined);
      // Re-inserting would take the focus out of a half-typed reason; only reorder on change.
      if (ordered.some((e, i) => list.children[i] !== e) || list.children.length !== ordered.length) list.replaceChildren(...ordered);
      empty.textContent = 'No deliveries assigned to you right now. New ones appear here by themselves.';
      empty.hidden = states.length > 0;
    },
  };
}
