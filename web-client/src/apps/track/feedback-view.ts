import { FEEDBACK_COMMENT_MAX_LENGTH, type OrderFeedback } from '@orderpulse/contracts';
import { ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import { el, problemBox, setText } from '../shared/dom.js';
import type { OrdersApi } from '../shared/orders-api.js';
import type { TrackingState } from './tracking-state.js';

export interface FeedbackView {
  readonly element: HTMLElement;
  render(state: TrackingState): void;
}

const thanks = (feedback: OrderFeedback) =>
  `Thank you: you rated this delivery ${feedback.rating} out of 5.${feedback.comment ? ` “${feedback.comment}”` : ''}`;

/**
 * Issue 18 point 7: once the order is delivered, the customer rates the delivery (1 to 5 stars
 * and an optional comment), once. Hidden before delivery; after a rating, it says what was given.
 */
export function createFeedbackView(orders: OrdersApi, orderId: string): FeedbackView {
  const starInputs = [1, 2, 3, 4, 5].map((n) => el('input', { type: 'radio', name: 'rating', value: String(n), id: `rating-${n}`, required: '' }));
  const stars = el(
    'fieldset',
    { class: 'stars' },
    el('legend', {}, 'Your rating'),
    ...starInputs.map((input, i) =>
      el(
        'label',
        { for: input.id, title: `${i + 1} out of 5` },
        input,
        el('span', { 'aria-hidden': 'true' }, '★'),
        el('span', { class: 'visually-hidden' }, `${i + 1} star${i ? 's' : ''}`),
      ),
    ),
  );
  const comment = el('textarea', { id: 'rating-comment', name: 'comment', rows: '3', maxlength: String(FEEDBACK_COMMENT_MAX_LENGTH) });
  const submit = el('button', { type: 'submit', 'data-testid': 'rating-submit' }, 'Send rating');
  const problem = problemBox('rating-error');
  const form = el(
    'form',
    { class: 'rating-form', 'aria-label': 'Rate your delivery' },
    stars,
    el('div', { class: 'field' }, el('label', { for: 'rating-comment' }, 'Comment (optional)'), comment),
    submit,
  );
  const done = el('p', { class: 'rating-done', role: 'status', 'data-testid': 'rating-result' });
  done.hidden = true;
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'rating-heading', 'data-testid': 'rating' },
    el('h2', { id: 'rating-heading', class: 'card-title' }, 'How was your delivery?'),
    form,
    problem.element,
    done,
  );
  element.hidden = true;

  const showDone = (text: string) => {
    form.hidden = true;
    problem.show(null);
    done.hidden = false;
    setText(done, text);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const rating = Number(starInputs.find((input) => input.checked)?.value);
    if (!rating) return problem.show('Choose from 1 to 5 stars.');
    const text = comment.value.trim();
    submit.disabled = true;
    problem.show(null);
    orders
      .rate(orderId, { rating, ...(text ? { comment: text } : {}) })
      .then((feedback) => showDone(thanks(feedback)))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'already_rated') showDone('This delivery has already been rated. Thank you!');
        else problem.show(describeApiError(err));
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  return {
    element,
    render(state) {
      element.hidden = state.order?.status !== 'delivered';
      if (state.feedback && form.hidden === false) showDone(thanks(state.feedback));
    },
  };
}
