import { HttpError } from './errors.js';
import type { CountedFailure, FailureCounter, FailureCounterFactory, FailureWindow } from './failure-counters.js';

/** Failures allowed in a window; the window starts at the first failure and lasts `windowSeconds`. */
export interface AttemptBudget {
  maxFailures: number;
  windowSeconds: number;
}

export interface FailedAttemptLimiterOptions {
  /** Names this limiter's counters, e.g. `login`; two limiters on one store need different names. */
  name: string;
  /** Per (subject, address), e.g. (username, client address): the tight budget. */
  perPair: AttemptBudget;
  /** Per address, whatever the subject: bounds one address trying many subjects. */
  perAddress: AttemptBudget;
  /**
   * Per subject, from every address together: the slow budget against a distributed guesser.
   * Once it is spent, an address may still try while its record for this subject is clean (no
   * failure in its pair window), and each such address gets one failure per this window.
   */
  perSubject: AttemptBudget;
  counters: FailureCounterFactory;
}

/** Which budget refused an attempt. */
export type ExhaustedBudget = 'pair' | 'address' | 'subject';

/** An attempt the limiter let through; it is counted as a failure until settled otherwise. */
export interface PendingAttempt {
  readonly allowed: true;
  /** The guess was wrong: the failure stays counted. */
  failed(): Promise<void>;
  /** The guess was right: its failure is taken back, so a success never uses up a budget. */
  succeeded(): Promise<void>;
  /** Not a guess after all (e.g. the store was down): its failure is taken back. */
  cancelled(): Promise<void>;
}

export interface RefusedAttempt {
  readonly allowed: false;
  /** How long until this address may try this subject again (> 0). */
  retryAfterMs: number;
  budget: ExhaustedBudget;
}

export interface AttemptParty {
  /** What is guessed at: a username, an order number. */
  subject: string;
  /** The client address. */
  address: string;
}

interface Counts {
  pair: FailureWindow;
  address: FailureWindow;
  subject: FailureWindow;
  /** This address's failures for the subject while the subject's budget was spent. */
  mark: FailureWindow;
}

/**
 * Counts failed attempts (wrong passwords, wrong lookups) against three budgets and refuses an
 * attempt before the work it guards (the password compare) once one is spent:
 *
 * - (subject, address): tight, e.g. 10 per 15 min. A guesser at one address is stopped for that
 *   subject; nobody else is.
 * - address: looser, over every subject, in the same window. Stops one address spraying subjects.
 * - subject: slow, e.g. 100 per day, from all addresses together. Once spent, only addresses with
 *   a clean record for the subject may still try, one failure each per subject window: a
 *   distributed guesser gets the budget plus one guess per address it controls per window, and
 *   the real owner, from any address that has not failed for this subject itself, still gets in.
 *
 * The counters are rate-limiter-flexible windows (memory, or Redis shared by every instance);
 * nothing is evicted early, so a flood of other keys never resets a live window. An attempt is
 * counted when it begins and taken back when it succeeds or is cancelled, so parallel attempts
 * cannot slip past a budget while the first ones are still being checked; a refused attempt adds
 * nothing (it only reads).
 */
export class FailedAttemptLimiter {
  private readonly budgets: Record<ExhaustedBudget, AttemptBudget>;
  private readonly counters: Record<keyof Counts, FailureCounter>;

  constructor(options: FailedAttemptLimiterOptions) {
    const { name, perPair, perAddress, perSubject, counters } = options;
    for (const [budget, { maxFailures, windowSeconds }] of Object.entries({ perPair, perAddress, perSubject })) {
      for (const [field, value] of Object.entries({ maxFailures, windowSeconds })) {
        if (!Number.isInteger(value) || value < 1) throw new RangeError(`${budget}.${field} must be a positive integer, not ${value}`);
      }
    }
    this.budgets = { pair: perPair, address: perAddress, subject: perSubject };
    this.counters = {
      pair: counters(`${name}:pair`, perPair.windowSeconds),
      address: counters(`${name}:address`, perAddress.windowSeconds),
      subject: counters(`${name}:subject`, perSubject.windowSeconds),
      mark: counters(`${name}:mark`, perSubject.windowSeconds),
    };
  }

  /** Refuses when a budget is spent (nothing is counted then); otherwise counts the attempt as a failure until it is settled. */
  async begin(party: AttemptParty): Promise<PendingAttempt | RefusedAttempt> {
    const keys = keysOf(party);
    const before = await this.read(keys);
    const early = this.verdict(before, 0);
    if (early) return early;

    const counted: Array<[FailureCounter, CountedFailure]> = [];
    const add = async (counter: keyof Counts, key: string) => {
      const failure = await this.counters[counter].add(key);
      counted.push([this.counters[counter], failure]);
      return failure;
    };
    const [pair, address, subject] = await Promise.all([add('pair', keys.pair), add('address', keys.address), add('subject', keys.subject)]);
    const mark = subject.count > this.budgets.subject.maxFailures ? await add('mark', keys.pair) : { count: 0, msLeft: 0 };
    const takeBack = async () => {
      await Promise.all(counted.map(([counter, failure]) => counter.takeBack(failure)));
    };
    // Counted: a race with parallel attempts shows here, this attempt included (hence the 1).
    const late = this.verdict({ pair, address, subject, mark }, 1);
    if (late) {
      await takeBack();
      return late;
    }

    let settled = false;
    const settle = async (takeItBack: boolean) => {
      if (settled) return;
      settled = true;
      if (takeItBack) await takeBack();
    };
    return { allowed: true, failed: () => settle(false), succeeded: () => settle(true), cancelled: () => settle(true) };
  }

  /** Forgets this address's failures for this subject (its pair count and its mark), e.g. once the owner has logged in. */
  async forgetPair(party: AttemptParty): Promise<void> {
    const { pair } = keysOf(party);
    await Promise.all([this.counters.pair.forget(pair), this.counters.mark.forget(pair)]);
  }

  /** The current counts, for tests and diagnostics. */
  async counts(party: AttemptParty): Promise<Record<keyof Counts, number>> {
    const counts = await this.read(keysOf(party));
    return { pair: counts.pair.count, address: counts.address.count, subject: counts.subject.count, mark: counts.mark.count };
  }

  private async read(keys: ReturnType<typeof keysOf>): Promise<Counts> {
    const [pair, address, subject, mark] = await Promise.all([
      this.counters.pair.peek(keys.pair),
      this.counters.address.peek(keys.address),
      this.counters.subject.peek(keys.subject),
      this.counters.mark.peek(keys.pair),
    ]);
    return { pair, address, subject, mark };
  }

  /** A refusal when `counts` (which include `own` failures of the attempt being decided) spend a budget; else null. */
  private verdict(counts: Counts, own: 0 | 1): RefusedAttempt | null {
    const over = (budget: 'pair' | 'address') => counts[budget].count - own >= this.budgets[budget].maxFailures;
    if (over('pair')) return refused('pair', counts.pair.msLeft);
    if (over('address')) return refused('address', counts.address.msLeft);
    if (counts.subject.count - own < this.budgets.subject.maxFailures) return null;
    const otherFailuresHere = [counts.pair, counts.mark].filter((window) => window.count - own > 0);
    if (otherFailuresHere.length === 0) return null;
    // Clean again when this address's own failures have ended, or sooner when the subject's window ends.
    const cleanIn = Math.max(...otherFailuresHere.map((window) => window.msLeft));
    return refused('subject', Math.min(cleanIn, counts.subject.msLeft));
  }
}

function refused(budget: ExhaustedBudget, retryAfterMs: number): RefusedAttempt {
  return { allowed: false, budget, retryAfterMs: Math.max(1, retryAfterMs) };
}

/** The address comes first: it never contains `|`, so no subject can forge another pair's key. */
function keysOf({ subject, address }: AttemptParty) {
  return { pair: `${address}|${subject}`, address, subject };
}

/** 429 with a Retry-After header (whole seconds, rounded up) and a message saying when to try again. */
export class TooManyAttemptsError extends HttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number, what = 'failed attempts') {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      429,
      'too_many_attempts',
      `too many ${what}; try again in ${describeWait(retryAfterSeconds)}`,
      { retryAfterSeconds },
      {
        'Retry-After': String(retryAfterSeconds),
      },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
