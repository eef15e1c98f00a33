import type { OrderFeedback } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import type { ConsoleDeps } from './console-deps.js';

/** Issue 18 point 7: "★★★★☆ 4/5". */
export function stars(rating: number): string {
  return `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)} ${rating}/5`;
}

export function feedbackText(feedback: OrderFeedback): string {
  return `${stars(feedback.rating)}${feedback.comment ? ` “${feedback.comment}”` : ''}`;
}

/** Issue 18 point 7: the average customer rating and the newest ratings (GET /feedback), refreshed on demand. */
export function createRatingsView(deps: ConsoleDeps, open: (orderId: string) => void): { element: HTMLElement; refresh(): void } {
  const average = el('p', { class: 'big', 'data-testid': 'ratings-average' }, '—');
  const list = el('ul', { class: 'fleet', 'data-testid': 'ratings-list' });
  const problem = problemBox('ratings-error');
  const refreshButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'ratings-refresh' }, 'Refresh');
  const refresh = () => {
    deps.orders
      .feedbackSummary()
      .then((summary) => {
        problem.show(null);
        setText(
          average,
          summary.average === null
            ? 'No ratings yet.'
            : `Average ${summary.average.toFixed(2)} / 5 from ${summary.count} rating${summary.count === 1 ? '' : 's'}`,
        );
        list.replaceChildren(
          ...summary.recent.map((rated) => {
            const button = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${rated.orderNumber} from the ratings` }, rated.orderNumber);
            button.addEventListener('click', () => open(rated.orderId));
            return el('li', { 'data-order-number': rated.orderNumber }, button, el('span', { class: 'small' }, ` ${feedbackText(rated.feedback)}`));
          }),
        );
      })
      .catch((err: unknown) => problem.show(deps.failed(err)));
  };
  refreshButton.addEventListener('click', refresh);
  refresh();
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'ratings-heading', 'data-testid': 'ratings-panel' },
    el('div', { class: 'bar' }, el('h2', { id: 'ratings-heading', class: 'card-title' }, 'Customer ratings'), refreshButton),
    problem.element,
    average,
    list,
  );
  return { element, refresh };
}
