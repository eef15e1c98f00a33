import { z } from 'zod';
import {
  deliverySnapshotSchema,
  positionSchema,
  riderIdSchema,
  type AdminFeedMessage,
  type DeliverySnapshot,
  type DeliveryStatus,
  type DeliveryWindow,
  etaSchema,
  type Eta,
  type LatLng,
  type Position,
  type RiderPresenceMessage,
} from '@orderpulse/contracts';
import type { SignalFacts } from '../shared/signal-freshness.js';
import { TypedEmitter } from '../shared/typed-emitter.js';

/** A delivery that is not finished, as the console's map and list show it. */
export interface FleetDelivery {
  deliveryId: string;
  orderId: string;
  orderNumber: string;
  status: DeliveryStatus;
  rider: { id: string; name: string } | undefined;
  destination: LatLng | undefined;
  position: Position | undefined;
  /** Set once the rider came near the address (delivery.arriving). */
  arrivingAt?: string | undefined;
  version: number;
  // Issue 18 point 5: what the lateness panel needs.
  promisedWindow: DeliveryWindow | undefined;
  eta: Eta | null;
  lateSince: string | undefined;
  history: DeliverySnapshot['history'];
}

/** A rider on the road: where they were last seen and what they carry. */
export interface FleetRider {
  id: string;
  name: string;
  position: Position;
  orderNumbers: string[];
}

export const ACTIVE_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['awaiting_assignment', 'assigned', 'picked_up', 'in_transit'];
const FINISHED: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'failed']);
const SNAPSHOT_EVENTS = new Set([
  'delivery.created',
  'delivery.assigned',
  'delivery.status_changed',
  'delivery.arriving',
  'delivery.proof_updated',
  'delivery.late',
  'delivery.stops_changed',
]);
const locationDataSchema = positionSchema.extend({ deliveryId: z.uuid(), riderId: riderIdSchema, eta: etaSchema.optional() });

/**
 * Every delivery not yet delivered or failed, from `GET /deliveries` and the live `admin/orders`
 * feed. Per delivery only a newer version counts; a finished delivery leaves the fleet.
 */
export class FleetModel extends TypedEmitter<{ changed: [] }> {
  private readonly deliveries = new Map<string, FleetDelivery>();
  /** Finished deliveries' last versions, so a late event does not bring one back. */
  private readonly finished = new Map<string, number>();
  /** Per rider: the broker's presence and when this console last got a heartbeat (the view reads it every second; no 'changed'). */
  private readonly signals = new Map<string, { online?: boolean; lastSeenAt?: string; lostAt?: string }>();

  /** `riders/<id>/presence` (retained, from the broker). */
  applyPresence(message: RiderPresenceMessage): void {
    const known = this.signals.get(message.riderId) ?? {};
    if (message.online) this.signals.set(message.riderId, { online: true, lastSeenAt: newestTime(known.lastSeenAt, message.at) });
    else this.signals.set(message.riderId, { ...known, online: false, lostAt: message.at });
  }

  /** `riders/<id>/heartbeat`, timed by this console's clock (a device's clock may be off). */
  applyHeartbeat(riderId: string, nowMs: number): void {
    this.signals.set(riderId, { online: true, lastSeenAt: new Date(nowMs).toISOString() });
  }

  /** What is known of a rider's signal, with the rider's newest position among the open deliveries. */
  signalOf(riderId: string): SignalFacts {
    const positionAt = this.riders.find((r) => r.id === riderId)?.position.at;
    return { ...this.signals.get(riderId), positionAt };
  }

  get active(): FleetDelivery[] {
    return [...this.deliveries.values()].sort((a, b) => a.orderNumber.localeCompare(b.orderNumber));
  }

  /** Riders with a known position, each at the newest position among their deliveries. */
  get riders(): FleetRider[] {
    const riders = new Map<string, FleetRider>();
    for (const d of this.deliveries.values()) {
      if (!d.rider || !d.position) continue;
      const known = riders.get(d.rider.id);
      if (!known) riders.set(d.rider.id, { id: d.rider.id, name: d.rider.name, position: d.position, orderNumbers: [d.orderNumber] });
      else {
        known.orderNumbers.push(d.orderNumber);
        if (Date.parse(d.position.at) > Date.parse(known.position.at)) known.position = d.position;
      }
    }
    return [...riders.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  applySnapshots(snapshots: readonly DeliverySnapshot[]): void {
    if (snapshots.map((s) => this.applySnapshot(s)).some(Boolean)) this.emit('changed');
  }

  /** One `admin/orders` entry; anything that is not about a delivery is ignored. */
  applyFeed(entry: AdminFeedMessage): void {
    let changed = false;
    if (SNAPSHOT_EVENTS.has(entry.type)) {
      const snapshot = deliverySnapshotSchema.safeParse(entry.data);
      changed = snapshot.success && this.applySnapshot(snapshot.data);
    } else if (entry.type === 'delivery.location_updated') {
      const location = locationDataSchema.safeParse(entry.data);
      changed = location.success && this.applyLocation(location.data, entry.version);
    }
    if (changed) this.emit('changed');
  }

  private applySnapshot(snapshot: DeliverySnapshot): boolean {
    const current = this.deliveries.get(snapshot.id);
    const finishedAt = this.finished.get(snapshot.id);
    if ((current && snapshot.version <= current.version) || (finishedAt !== undefined && snapshot.version <= finishedAt)) return false;
    if (FINISHED.has(snapshot.status)) {
      this.finished.set(snapshot.id, snapshot.version);
      return this.deliveries.delete(snapshot.id);
    }
    const { lat, lng } = snapshot.address;
    this.deliveries.set(snapshot.id, {
      deliveryId: snapshot.id,
      orderId: snapshot.orderId,
      orderNumber: snapshot.orderNumber,
      status: snapshot.status,
      rider: snapshot.rider ?? undefined,
      destination: lat !== undefined && lng !== undefined ? { lat, lng } : undefined,
      position: newer(current?.position, snapshot.lastPosition ?? undefined),
      arrivingAt: snapshot.arrivingAt,
      version: snapshot.version,
      promisedWindow: snapshot.promisedWindow,
      eta: snapshot.eta,
      lateSince: snapshot.lateSince,
      history: snapshot.history,
    });
    return true;
  }

  private applyLocation(location: z.infer<typeof locationDataSchema>, version: number): boolean {
    const current = this.deliveries.get(location.deliveryId);
    if (!current || version <= current.version) return false;
    const { lat, lng, at, heading } = location;
    this.deliveries.set(current.deliveryId, {
      ...current,
      position: { lat, lng, at, ...(heading !== undefined ? { heading } : {}) },
      eta: location.eta ?? null,
      version,
    });
    return true;
  }
}

function newestTime(a: string | undefined, b: string): string {
  return a && Date.parse(a) > Date.parse(b) ? a : b;
}

function newer(a: Position | undefined, b: Position | undefined): Position | undefined {
  if (!a || !b) return a ?? b;
  return Date.parse(b.at) > Date.parse(a.at) ? b : a;
}
