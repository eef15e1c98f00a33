import { orderSignalMessageSchema, topics, type OrderSignalMessage, type RiderAssignmentsMessage, type RiderPresenceMessage } from '@orderpulse/contracts';
import { BoundedLru } from '../ledger/bounded-lru.js';
import { isOnTheWay } from '../messages/location-privacy.js';
import { clearedSignalMessage } from '../messages/delivery-event.js';
import type { MqttMessage } from '../messages/mqtt-message.js';

interface RiderState {
  /** Orders this rider is on the way to (picked up, not yet ended), from the rider's assignments. */
  onTheWay: Set<string>;
  online?: boolean;
  lastSeenAt?: string;
  lostAt?: string;
  /** When a heartbeat was last passed on to the rider's orders (ms). */
  relayedAtMs?: number;
}

export interface RiderSignalsOptions {
  /** Heartbeats of one rider are passed on to customers at most this often (RIDER_SIGNAL_MIN_INTERVAL_MS); a change of presence always at once. */
  minIntervalMs: number;
  /** Riders remembered (the least recently heard from are forgotten first). */
  capacity: number;
}

/**
 * How fresh the rider's signal is, for the customers the rider is on the way to: what the
 * broker says of the rider's connection (`riders/<id>/presence`), when the device last said
 * "still here" (`riders/<id>/heartbeat`, timed by this notifier's clock, not the device's), and
 * which orders the rider carries (`riders/<id>/assignments`). Each input gives the retained
 * `orders/<orderId>/signal` messages to publish; an order no longer on the way gets an empty
 * retained message (cleared). Pure: no sockets, the caller publishes.
 */
export class RiderSignals {
  private readonly riders: BoundedLru<string, RiderState>;

  constructor(private readonly options: RiderSignalsOptions) {
    this.riders = new BoundedLru(options.capacity);
  }

  private stateOf(riderId: string): RiderState {
    let state = this.riders.get(riderId);
    if (!state) {
      state = { onTheWay: new Set() };
      this.riders.set(riderId, state);
    }
    return state;
  }

  private signalOf(state: RiderState): OrderSignalMessage | undefined {
    if (state.online === undefined) return undefined;
    return orderSignalMessageSchema.parse({
      online: state.online,
      ...(state.lastSeenAt ? { lastSeenAt: state.lastSeenAt } : {}),
      ...(!state.online && state.lostAt ? { lostAt: state.lostAt } : {}),
    });
  }

  private messagesFor(state: RiderState, orderIds: Iterable<string>): MqttMessage[] {
    const signal = this.signalOf(state);
    if (!signal) return [];
    const payload = JSON.stringify(signal);
    return [...orderIds].map((orderId) => ({ kind: 'order-signal' as const, topic: topics.orderSignal(orderId), payload, retain: true }));
  }

  assignments(message: RiderAssignmentsMessage): MqttMessage[] {
    const state = this.stateOf(message.riderId);
    const now = new Set(message.deliveries.filter((d) => isOnTheWay(d.status)).map((d) => d.orderId));
    const added = [...now].filter((orderId) => !state.onTheWay.has(orderId));
    const gone = [...state.onTheWay].filter((orderId) => !now.has(orderId));
    state.onTheWay = now;
    return [...this.messagesFor(state, added), ...gone.map((orderId) => clearedSignalMessage(orderId))];
  }

  presence(message: RiderPresenceMessage): MqttMessage[] {
    const state = this.stateOf(message.riderId);
    if (state.online === message.online) return [];
    state.online = message.online;
    if (message.online) {
      delete state.lostAt;
      if (!state.lastSeenAt || Date.parse(message.at) > Date.parse(state.lastSeenAt)) state.lastSeenAt = message.at;
    } else {
      state.lostAt = message.at;
    }
    return this.messagesFor(state, state.onTheWay);
  }

  heartbeat(riderId: string, nowMs: number): MqttMessage[] {
    const state = this.stateOf(riderId);
    state.lastSeenAt = new Date(nowMs).toISOString();
    // A heartbeat proves a connection, whatever a late or other broker's presence said.
    const changed = state.online !== true;
    state.online = true;
    delete state.lostAt;
    if (!changed && state.relayedAtMs !== undefined && nowMs - state.relayedAtMs < this.options.minIntervalMs) return [];
    state.relayedAtMs = nowMs;
    return this.messagesFor(state, state.onTheWay);
  }
}
