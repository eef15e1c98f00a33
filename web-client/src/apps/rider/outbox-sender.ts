import { browserTimers, type Timers } from '../shared/timers.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { ReportOutbox, WaitingReport } from './report-outbox.js';

export interface OutboxSenderOptions {
  outbox: ReportOutbox;
  /** Publishes at QoS 1; resolves on the broker's PUBACK. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Whether the connection to the broker is up. */
  isLive(): boolean;
  /** A publish not acknowledged within this is tried again (the repeat is recognised by its id). */
  ackTimeoutMs?: number;
  /** After a failed attempt while still connected. */
  retryMs?: number;
  timers?: Timers;
}

export interface OutboxSenderEvents extends Record<string, unknown[]> {
  sent: [report: WaitingReport];
  failed: [report: WaitingReport, error: Error];
}

/**
 * Sends the outbox's reports one at a time, oldest first, each only after the previous one was
 * acknowledged, so delivery-service sees them in the order the rider made them. Only while
 * connected; `kick()` it when the connection comes back or a report is added.
 */
export class OutboxSender extends TypedEmitter<OutboxSenderEvents> {
  private running = false;
  private retryTimer: unknown;
  private readonly timers: Timers;

  constructor(private readonly options: OutboxSenderOptions) {
    super();
    this.timers = options.timers ?? browserTimers;
  }

  kick(): void {
    if (this.running) return;
    this.running = true;
    void this.drain()
      .catch((err: unknown) => console.warn(`could not update the waiting reports: ${(err as Error).message}`))
      .finally(() => {
        this.running = false;
      });
  }

  private async drain(): Promise<void> {
    const { outbox } = this.options;
    for (let next = outbox.first; next && this.options.isLive(); next = outbox.first) {
      try {
        await this.withTimeout(this.options.publish(next.topic, next.payload));
      } catch (err) {
        this.emit('failed', next, err as Error);
        this.scheduleRetry();
        return;
      }
      await outbox.remove(next.id);
      this.emit('sent', next);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.options.retryMs ?? 5_000);
  }

  private withTimeout(work: Promise<void>): Promise<void> {
    const ms = this.options.ackTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = this.timers.setTimeout(() => reject(new Error(`no acknowledgement within ${ms} ms`)), ms);
      work.then(
        () => {
          this.timers.clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          this.timers.clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
  }
}
