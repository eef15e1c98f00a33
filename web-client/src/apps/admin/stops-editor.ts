import type { RiderStops, RiderSummary } from '../shared/delivery-api.js';
import { el, problemBox, setText } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';
import type { ConsoleDeps } from './console-deps.js';

/**
 * Issue 18 point 6: a rider's stops in order (GET /riders/:id/stops); "Move up" sets the
 * dispatcher's order (PUT). Each customer then sees their new place on the tracking page.
 */
export function createStopsEditor(deps: ConsoleDeps): { element: HTMLElement; open(rider: RiderSummary): void } {
  const heading = el('h3', { id: 'stops-heading' });
  const list = el('ol', { class: 'stops-list', 'data-testid': 'stops-list' });
  const note = el('p', { class: 'muted small', role: 'status', 'data-testid': 'stops-note' });
  const problem = problemBox('stops-error');
  const element = el('div', { class: 'stops-editor', 'aria-labelledby': 'stops-heading', 'data-testid': 'stops-editor' }, heading, list, note, problem.element);
  element.hidden = true;
  let rider: RiderSummary | undefined;

  const show = (stops: RiderStops) => {
    setText(note, stops.length ? '' : `${rider?.name ?? 'This rider'} carries nothing right now.`);
    list.replaceChildren(
      ...stops.map((stop, index) => {
        const up = el('button', { type: 'button', class: 'secondary', 'aria-label': `Move ${stop.orderNumber} up` }, 'Move up');
        up.disabled = index === 0;
        up.addEventListener('click', () => {
          const order = stops.map((s) => s.deliveryId);
          [order[index - 1], order[index]] = [order[index]!, order[index - 1]!];
          save(order, up);
        });
        return el(
          'li',
          { 'data-order-number': stop.orderNumber },
          el('span', {}, el('strong', {}, stop.orderNumber), el('span', { class: 'muted small' }, ` · ${DELIVERY_STATUS_LABELS[stop.status]}`)),
          up,
        );
      }),
    );
  };
  const save = (order: string[], button: HTMLButtonElement) => {
    if (!rider) return;
    button.disabled = true;
    problem.show(null);
    deps.delivery
      .setRiderStops(rider.id, order)
      .then((stops) => {
        show(stops);
        setText(note, 'Order saved; each customer sees their new place.');
      })
      .catch((err: unknown) => problem.show(deps.failed(err)));
  };

  return {
    element,
    open(next) {
      rider = next;
      element.hidden = false;
      setText(heading, `Stops of ${next.name}`);
      problem.show(null);
      deps.delivery
        .riderStops(next.id)
        .then(show)
        .catch((err: unknown) => problem.show(deps.failed(err)));
    },
  };
}
