import type { OrderFeedback } from '@orderpulse/contracts';
import { DomainError } from '@orderpulse/service-kit';
import type { RatedOrder } from '../data-access/order-repository.js';
import { OrderNotFoundError } from './order-errors.js';
import type { OrderUseCaseDeps } from './order-use-case-deps.js';

/** Issue 18 point 7: the customer rates a delivered order, once. */
export interface NewFeedback {
  orderId: string;
  rating: number;
  comment?: string;
}

export class NotDeliveredYetError extends DomainError {
  constructor(orderId: string) {
    super('conflict', `order ${orderId} has not been delivered yet; it can be rated once it has`, { code: 'not_delivered' });
  }
}

export class AlreadyRatedError extends DomainError {
  constructor(orderId: string) {
    super('conflict', `order ${orderId} has already been rated; a rating is given once`, { code: 'already_rated' });
  }
}

export async function rateOrder(deps: Pick<OrderUseCaseDeps, 'repository' | 'clock' | 'logger'>, input: NewFeedback): Promise<OrderFeedback> {
  const comment = input.comment?.trim();
  const feedback: OrderFeedback = { rating: input.rating, ...(comment ? { comment } : {}), at: deps.clock().toISOString() };
  const result = await deps.repository.recordFeedback(input.orderId, feedback);
  if (result === 'not_found') throw new OrderNotFoundError(input.orderId);
  if (result === 'not_delivered') throw new NotDeliveredYetError(input.orderId);
  if (result === 'already_rated') throw new AlreadyRatedError(input.orderId);
  deps.logger.info({ orderId: input.orderId, rating: feedback.rating, withComment: comment !== undefined && comment !== '' }, 'order rated');
  return feedback;
}

/** At most this many of the newest ratings make the average (the console's figure stays cheap however many orders there are). */
export const FEEDBACK_SUMMARY_WINDOW = 10_000;
const RECENT = 10;

export interface FeedbackSummary {
  /** Ratings counted (the newest FEEDBACK_SUMMARY_WINDOW at most). */
  count: number;
  /** Mean rating, two decimals; null with no rating yet. */
  average: number | null;
  /** How many ratings gave 1, 2, 3, 4 and 5 stars. */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
  recent: RatedOrder[];
}

export async function feedbackSummary(deps: Pick<OrderUseCaseDeps, 'repository'>): Promise<FeedbackSummary> {
  const rated = await deps.repository.listFeedback(FEEDBACK_SUMMARY_WINDOW);
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let sum = 0;
  for (const { feedback } of rated) {
    distribution[String(feedback.rating) as keyof typeof distribution] += 1;
    sum += feedback.rating;
  }
  return { count: rated.length, average: rated.length ? Math.round((sum / rated.length) * 100) / 100 : null, distribution, recent: rated.slice(0, RECENT) };
}
