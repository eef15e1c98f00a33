import { randomUUID } from 'node:crypto';
import mqemitter from 'mqemitter';

export type Message = mqemitter.Message;
type Listener = (message: Message, done: () => void) => void;

/** The parts of an mqemitter (here mqemitter-redis) this module uses: its public API. */
export interface SharedEmitter {
  on(topic: string, listener: Listener, callback?: () => void): unknown;
  removeListener(topic: string, listener: Listener, callback?: () => void): unknown;
  emit(message: Message, callback?: (error?: Error) => void): unknown;
  close(callback: () => void): unknown;
}

export interface CatchUp {
  /** Delivers to this broker's subscribers unless a live message on the topic came first; says whether it did. */
  deliver(message: Message): boolean;
  end(): void;
}

/** Set on the copy sent to the other brokers, so that this broker knows its own messages when they come back. */
const ORIGIN = 'orderpulseOrigin';

/**
 * The emitter aedes gets when brokers share live messages through Redis (mqemitter-redis).
 *
 * mqemitter-redis delivers every message, a broker's own included, only when it comes back from
 * Redis pub/sub, and Redis keeps nothing for a subscription that is away: a message published
 * while the broker's subscribing connection was reconnecting never reached the broker's own
 * subscribers (the Redis fault suite found it). Here a broker's own messages go to its own
 * subscribers at once, from memory (an in-memory mqemitter, as without Redis), and Redis is used
 * only to reach the other brokers and to hear from them: one Redis subscription per filter that
 * has local subscribers, and a message that comes back carrying this emitter's origin is
 * dropped. (Messages the other brokers sent while the subscription was away are made up for from
 * the retained messages: see retained-resend.ts.)
 */
export class LocalFirstEmitter implements SharedEmitter {
  private readonly local = mqemitter();
  private readonly origin = randomUUID();
  /** Per filter with local subscribers: how many, and the listener subscribed to Redis for them. */
  private readonly remote = new Map<string, { listeners: number; forward: Listener }>();
  /** While a catch-up runs: the topics of the live messages delivered since it began. */
  private liveTopics: Set<string> | undefined;
  /** The broker id and counter of the last message from Redis passed on (see forward). */
  private lastBrokerId: unknown;
  private lastCounter: unknown;

  constructor(private readonly shared: SharedEmitter) {}

  /** The in-memory emitter's subscription matcher (for delivery/topic-match-cache.ts). */
  get _matcher(): unknown {
    return (this.local as unknown as { _matcher: unknown })._matcher;
  }

  on(topic: string, listener: Listener, callback?: () => void): this {
    this.local.on(topic, listener);
    const entry = this.remote.get(topic);
    if (entry) {
      entry.listeners += 1;
      if (callback) setImmediate(callback);
      return this;
    }
    // One listener per filter: mqemitter-redis's prefixed emitter keeps its wrapper on the function itself.
    const forward: Listener = (message, done) => {
      this.forward(message);
      done();
    };
    this.remote.set(topic, { listeners: 1, forward });
    this.shared.on(topic, forward, callback);
    return this;
  }

  removeListener(topic: string, listener: Listener, callback?: () => void): void {
    this.local.removeListener(topic, listener);
    const entry = this.remote.get(topic);
    if (entry && --entry.listeners === 0) {
      this.remote.delete(topic);
      this.shared.removeListener(topic, entry.forward, callback);
    } else if (callback) {
      setImmediate(callback);
    }
  }

  /**
   * Delivers to this broker's subscribers now, and through Redis to the other brokers' (`callback`
   * once Redis has it). The brokers' own coordination ($SYS: e.g. a persistent session's
   * subscription added) reaches this broker only once Redis has it, as before: aedes answers the
   * SUBSCRIBE when its own broadcast comes back, and that must still mean every broker has it.
   */
  emit(message: Message, callback?: (error?: Error) => void): void {
    const copy = { ...message, [ORIGIN]: this.origin };
    if (message.topic.startsWith('$SYS/')) {
      this.shared.emit(copy, (err) => {
        if (!err) this.deliverLive(message);
        callback?.(err);
      });
      return;
    }
    this.deliverLive(message);
    this.shared.emit(copy, callback);
  }

  /**
   * For delivering, to this broker's subscribers only, older copies of messages they may have
   * missed (retained-resend.ts): a copy is dropped when a live message on its topic was delivered
   * since the catch-up began, as that one is at least as new. One catch-up at a time.
   */
  beginCatchUp(): CatchUp {
    const liveTopics = new Set<string>();
    this.liveTopics = liveTopics;
    return {
      deliver: (message) => {
        if (liveTopics.has(message.topic)) return false;
        this.local.emit(message);
        return true;
      },
      end: () => {
        if (this.liveTopics === liveTopics) this.liveTopics = undefined;
      },
    };
  }

  close(callback: () => void): void {
    this.local.close(() => this.shared.close(callback));
  }

  /**
   * A message from Redis goes to every filter of ours it matches, one after the other in one
   * loop (as copies, with a namespace), so a repeat of the last one's broker id and counter is
   * the same message: it is passed on once.
   */
  private forward(message: Message): void {
    if (message[ORIGIN] === this.origin) return;
    const brokerId: unknown = message.brokerId;
    const counter: unknown = message.brokerCounter;
    if (brokerId !== undefined) {
      if (this.lastBrokerId === brokerId && this.lastCounter === counter) return;
      this.lastBrokerId = brokerId;
      this.lastCounter = counter;
    }
    this.deliverLive(message);
  }

  private deliverLive(message: Message): void {
    this.liveTopics?.add(message.topic);
    this.local.emit(message);
  }
}
