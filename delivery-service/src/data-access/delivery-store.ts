import type {
  Address,
  DeliveryMethod,
  DeliveryWindow,
  DeliveryCreatedEvent,
  DeliveryEvent,
  DeliverySnapshot,
  DeliveryStatus,
  Rider,
} from '@orderpulse/contracts';
import type { OutboxStore } from '@orderpulse/service-kit';
import type { ProofFileStore } from './proof-files.js';
import type { PositionHistory } from '../track/position-history.js';
import type { HopHistory } from '@orderpulse/service-kit';

/** A delivery as stored: its public snapshot plus the events not yet confirmed by RabbitMQ (the outbox). */
export interface StoredDelivery {
  delivery: DeliverySnapshot;
  pendingEvents: DeliveryEvent[];
}

export interface DeliveryQuery {
  orderId?: string;
  riderId?: string;
  /** Any of these statuses; absent or empty: every status. */
  statuses?: readonly DeliveryStatus[];
  limit: number;
}

export class DuplicateDeliveryError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} already has a delivery`);
    this.name = 'DuplicateDeliveryError';
  }
}

export class DuplicateRiderError extends Error {
  constructor(readonly riderId: string) {
    super(`rider ${riderId} already exists`);
    this.name = 'DuplicateRiderError';
  }
}

/**
 * Every write is one atomic single-document operation that stores the change together with
 * the event announcing it (the outbox), so an event is never lost nor published for a change
 * that was not saved. At most one delivery per order.
 */
export interface DeliveryRepository extends OutboxStore<DeliveryEvent> {
  /** Inserts a new delivery with its delivery.created event pending. Throws DuplicateDeliveryError. */
  insert(delivery: DeliverySnapshot, created: DeliveryCreatedEvent): Promise<void>;
  /**
   * Replaces the delivery's state with `next` and appends `event` to its pending events, only if
   * the stored version is still `expectedVersion`. False when it is not (or the delivery is gone).
   */
  update(next: DeliverySnapshot, expectedVersion: number, event: DeliveryEvent): Promise<boolean>;
  findById(id: string): Promise<StoredDelivery | null>;
  findByOrderId(orderId: string): Promise<DeliverySnapshot | null>;
  /** Newest first (createdAt, then id, descending), without the outbox. */
  list(query: DeliveryQuery): Promise<DeliverySnapshot[]>;
  countPendingEvents(): Promise<number>;
  // Issue 18 point 5 (lateness).
  /** Open deliveries whose promised window ended before `now` and that are not marked late yet, oldest window end first; at most `limit`. */
  overdue(now: Date, limit: number): Promise<DeliverySnapshot[]>;
  /** Deliveries delivered in [from, to) (by their `delivered` history entry), at most `limit`, newest first. */
  deliveredBetween(from: Date, to: Date, limit: number): Promise<DeliverySnapshot[]>;
}

export interface RiderRepository {
  /** Throws DuplicateRiderError when the id is taken. */
  insert(rider: Rider): Promise<void>;
  findById(id: string): Promise<Rider | null>;
  /** Oldest first (createdAt, then id). */
  list(): Promise<Rider[]>;
}

/** What delivery-service knows about an order: learnt from order.created, needed when it ships. */
export interface KnownOrder {
  orderId: string;
  orderNumber: string;
  address: Address;
  /** The customer's instructions and the handover method (issue 18 point 4), when the order has them. */
  instructions?: string;
  method?: DeliveryMethod;
  /** Issue 18 point 5: the window promised to the customer; absent for orders placed before windows existed. */
  deliveryWindow?: DeliveryWindow;
}

export interface OrderDirectory {
  /** Idempotent: remembering an order again keeps what was first remembered. */
  remember(order: KnownOrder): Promise<void>;
  find(orderId: string): Promise<KnownOrder | null>;
}

/** The service's collections behind one connection. */
export interface DeliveryStore {
  deliveries: DeliveryRepository;
  riders: RiderRepository;
  orders: OrderDirectory;
  /** Proof photos and signatures. */
  proofFiles: ProofFileStore;
  /** Rider positions kept per delivery for replay (track/); absent: none are kept. */
  positions?: PositionHistory;
  /** Issue 17 point 4: each order's hop times kept for replay (hops/); absent: none are kept. */
  hops?: HopHistory;
  isReady(): boolean;
  close(): Promise<void>;
}
