import {
  greatCircleKm,
  type Address,
  type Eta,
  type LatLng,
  type OrderFeedback,
  type OrderItem,
  type OrderLocationMessage,
  type OrderSignalMessage,
  type OrderSnapshot,
  type OrderStatus,
  type OrderStatusHistoryEntry,
  type OrderStatusMessage,
  type OrderTrackingMessage,
} from '@orderpulse/contracts';

export interface OrderView {
  orderId: string;
  orderNumber: string;
  status: OrderStatus;
  trackingNumber: string | null;
  version: number;
  updatedAt: string;
  history: OrderStatusHistoryEntry[];
}

/** What the customer ordered and where it goes: only the HTTP snapshot has these. */
export interface OrderContents {
  items: OrderItem[];
  deliveryAddress: Address;
}

export interface Destination extends LatLng {
  label: string;
}

/** How many earlier positions the plot draws as a trail. */
const TRAIL_LENGTH = 30;
const ETA_WHILE = new Set(['picked_up', 'in_transit']);

/**
 * Everything the page knows about one order, from HTTP snapshots and MQTT messages alike. Every
 * `apply…` keeps only what is newer than what it has (by version, or a position's time), so a
 * late or repeated message never takes the page back; each returns whether anything changed.
 */
export class TrackingState {
  order: OrderView | undefined;
  destination: Destination | undefined;
  tracking: OrderTrackingMessage | undefined;
  location: OrderLocationMessage | undefined;
  /** `orders/<id>/signal`: how fresh the rider's signal is, while the rider is on the way. */
  signal: OrderSignalMessage | undefined;
  contents: OrderContents | undefined;
  /** Issue 18 point 7: the customer's rating, from the HTTP snapshot. */
  feedback: OrderFeedback | undefined;
  readonly trail: LatLng[] = [];

  constructor(readonly orderId: string) {}

  /** `GET /orders/:id`: the full history, and the address to plot the rider against. */
  applySnapshot(snapshot: OrderSnapshot): boolean {
    if (snapshot.id !== this.orderId) return false;
    let changed = false;
    if (!this.contents) {
      this.contents = { items: snapshot.items, deliveryAddress: snapshot.deliveryAddress };
      changed = true;
    }
    const { lat, lng, line1, city } = snapshot.deliveryAddress;
    if (!this.destination && lat !== undefined && lng !== undefined) {
      this.destination = { lat, lng, label: `${line1}, ${city}` };
      changed = true;
    }
    if (snapshot.feedback && !this.feedback) {
      this.feedback = snapshot.feedback;
      changed = true;
    }
    if (this.order && snapshot.version <= this.order.version) return changed;
    const { id, orderNumber, status, trackingNumber, version, updatedAt, history } = snapshot;
    this.order = { orderId: id, orderNumber, status, trackingNumber, version, updatedAt, history };
    return true;
  }

  /** `orders/<id>/status`: no history, so the change is added to what the page has. */
  applyStatus(message: OrderStatusMessage): boolean {
    if (message.orderId !== this.orderId) return false;
    if (this.order && message.version <= this.order.version) return false;
    const history = this.order?.history ?? [];
    const alreadyListed = history.some((entry) => entry.status === message.status);
    this.order = {
      orderId: message.orderId,
      orderNumber: message.orderNumber,
      status: message.status,
      trackingNumber: message.trackingNumber,
      version: message.version,
      updatedAt: message.updatedAt,
      history: alreadyListed ? history : [...history, { status: message.status, at: message.updatedAt }],
    };
    return true;
  }

  /** `orders/<id>/tracking`; a different delivery (a new attempt) replaces the old one. */
  applyTracking(message: OrderTrackingMessage): boolean {
    if (message.orderId !== this.orderId) return false;
    const current = this.tracking;
    if (current && current.deliveryId === message.deliveryId && message.version <= current.version) return false;
    this.tracking = message;
    return true;
  }

  /** `orders/<id>/location`: only a position newer than the last one counts. */
  applyLocation(message: OrderLocationMessage): boolean {
    const current = this.location;
    if (current) {
      if (current.version !== undefined && message.version !== undefined && message.version <= current.version) return false;
      if (Date.parse(message.at) <= Date.parse(current.at)) return false;
      this.trail.push({ lat: current.lat, lng: current.lng });
      if (this.trail.length > TRAIL_LENGTH) this.trail.shift();
    }
    this.location = message;
    return true;
  }

  /** `orders/<id>/signal` (retained; it carries no version: the newest message is the truth). */
  applySignal(message: OrderSignalMessage): boolean {
    this.signal = message;
    return true;
  }

  clearSignal(): boolean {
    const had = this.signal !== undefined;
    this.signal = undefined;
    return had;
  }

  /** The retained position was removed (the delivery ended): forget it and the way so far. */
  clearLocation(): boolean {
    if (!this.location && this.trail.length === 0) return false;
    this.location = undefined;
    this.trail.length = 0;
    return true;
  }

  /** The estimate from the newest position, while the rider is on the way. */
  get eta(): Eta | undefined {
    if (!this.tracking || !ETA_WHILE.has(this.tracking.status)) return undefined;
    const candidates = [this.tracking.eta, this.location?.eta].filter((eta): eta is Eta => eta !== undefined);
    return candidates.sort((a, b) => Date.parse(b.basedOnPositionAt) - Date.parse(a.basedOnPositionAt))[0];
  }

  /**
   * How far the rider is from the address: great-circle from the newest position, the one
   * distance every part of the page shows (the ETA's own distance only when there is no position).
   */
  get distanceKm(): number | undefined {
    if (this.location && this.destination) return greatCircleKm(this.location, this.destination);
    return this.eta?.distanceKm;
  }

  /** When the rider's position was last reported, from the location or the ETA built on it. */
  get positionAt(): string | undefined {
    const times = [this.location?.at, this.eta?.basedOnPositionAt].filter((t): t is string => t !== undefined);
    return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  }
}
