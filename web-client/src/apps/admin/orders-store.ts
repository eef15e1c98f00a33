import type { DeliveryWindow, OrderSnapshot, OrderStatus, OrderStatusMessage } from '@orderpulse/contracts';
import { TypedEmitter } from '../shared/typed-emitter.js';

export interface OrderRow {
  id: string;
  orderNumber: string;
  status: OrderStatus;
  trackingNumber: string | null;
  version: number;
  updatedAt: string;
  createdAt?: string;
  customerName?: string;
  city?: string;
  /** Issue 18 point 5: the promised window, from a snapshot. */
  deliveryWindow?: DeliveryWindow;
}

export interface OrderQuery {
  status?: OrderStatus | undefined;
  /** Part of an order number, any case. */
  search?: string | undefined;
}

export interface OrdersStoreEvents extends Record<string, unknown[]> {
  /** Ids whose row was added or changed. */
  changed: [ids: string[]];
}

/**
 * Every order the console knows, from `GET /orders`, `admin/orders` and `orders/+/status`. A row
 * only moves forward: anything not newer than its version is ignored (details may still fill in).
 */
export class OrdersStore extends TypedEmitter<OrdersStoreEvents> {
  private readonly rows = new Map<string, OrderRow>();

  get size(): number {
    return this.rows.size;
  }

  get(id: string): OrderRow | undefined {
    return this.rows.get(id);
  }

  upsertSnapshots(snapshots: readonly OrderSnapshot[]): void {
    const changed = snapshots.filter((s) => this.applySnapshot(s)).map((s) => s.id);
    if (changed.length) this.emit('changed', changed);
  }

  upsertSnapshot(snapshot: OrderSnapshot): void {
    this.upsertSnapshots([snapshot]);
  }

  /** Returns true when the order was not known before (its details are still missing). */
  applyStatus(message: OrderStatusMessage): boolean {
    const current = this.rows.get(message.orderId);
    if (current && message.version <= current.version) return false;
    const { orderId: id, orderNumber, status, trackingNumber, version, updatedAt } = message;
    this.rows.set(id, { ...current, id, orderNumber, status, trackingNumber, version, updatedAt });
    this.emit('changed', [id]);
    return !current;
  }

  /** Newest first (by creation when known, else by last change). */
  query({ status, search }: OrderQuery = {}): OrderRow[] {
    const needle = search?.trim().toUpperCase() ?? '';
    return [...this.rows.values()]
      .filter((row) => (!status || row.status === status) && (!needle || row.orderNumber.includes(needle)))
      .sort((a, b) => Date.parse(b.createdAt ?? b.updatedAt) - Date.parse(a.createdAt ?? a.updatedAt) || b.orderNumber.localeCompare(a.orderNumber));
  }

  private applySnapshot(snapshot: OrderSnapshot): boolean {
    const current = this.rows.get(snapshot.id);
    const details = {
      createdAt: snapshot.createdAt,
      customerName: snapshot.customer.name,
      city: snapshot.deliveryAddress.city,
      ...(snapshot.deliveryWindow ? { deliveryWindow: snapshot.deliveryWindow } : {}),
    };
    if (current && snapshot.version <= current.version) {
      if (current.customerName !== undefined) return false;
      this.rows.set(snapshot.id, { ...current, ...details });
      return true;
    }
    const { id, orderNumber, status, trackingNumber, version, updatedAt } = snapshot;
    this.rows.set(id, { id, orderNumber, status, trackingNumber, version, updatedAt, ...details });
    return true;
  }
}
