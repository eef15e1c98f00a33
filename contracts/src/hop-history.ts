import { z } from 'zod';
import type { HopReceipt } from './mqtt-messages.js';
import { isoDateTime } from './order.js';

/** What reached the customer: an order's status (orders/<id>/status) or its delivery's tracking (orders/<id>/tracking). */
export const HOP_KINDS = ['status', 'tracking'] as const;
export type HopKind = (typeof HOP_KINDS)[number];

/** The customer-facing kind an event is about; rider positions are not receipted (too many). */
export function hopKindOfEvent(type: string): HopKind | undefined {
  if (type.startsWith('order.')) return 'status';
  if (type.startsWith('delivery.') && type !== 'delivery.location_updated') return 'tracking';
  return undefined;
}

export function hopKindOfTopic(topic: string): HopKind | undefined {
  if (topic.endsWith('/status')) return 'status';
  if (topic.endsWith('/tracking')) return 'tracking';
  return undefined;
}

/**
 * Issue 17 point 4: the hop times of one status change or rider report of an order, as kept for
 * its replay (the same four as the live receipts: written, RabbitMQ confirmed, broker accepted,
 * first customer device or nobody watching). Each time is the first one known.
 */
export const hopRowSchema = z.object({
  kind: z.enum(HOP_KINDS),
  /** The order's (status) or the delivery's (tracking) version after the change. */
  version: z.number().int().min(1),
  type: z.string().max(64).optional(),
  /** The status the change moved to, when it was a status change. */
  status: z.string().max(64).optional(),
  writtenAt: isoDateTime.optional(),
  confirmedAt: isoDateTime.optional(),
  brokerAt: isoDateTime.optional(),
  deviceAt: isoDateTime.optional(),
  /** False when the broker saw no customer device subscribed as it was published. */
  watching: z.boolean().optional(),
});
export type HopRow = z.infer<typeof hopRowSchema>;
/** What one source adds to a row. */
export type HopPatch = Omit<HopRow, 'kind' | 'version'>;

/** `GET /hop-history/:orderId` (delivery-service, admins): an order's kept hop rows, oldest version first per kind. */
export const hopHistoryResponseSchema = z.object({
  orderId: z.uuid(),
  rows: z.array(hopRowSchema),
  kept: z.object({ maxPerOrder: z.number().int().min(1), retentionDays: z.number().int().min(1) }),
});
export type HopHistoryResponse = z.infer<typeof hopHistoryResponseSchema>;

const STATUS_CHANGES = new Set(['order.created', 'order.status_changed', 'delivery.created', 'delivery.assigned', 'delivery.status_changed']);

/** The row an event's write (and, when given, RabbitMQ's confirm of it) adds to; undefined for what is not receipted. */
export function hopRowOfEvent(
  event: { type: string; version: number; occurredAt: string; data: unknown },
  confirmedAtMs?: number,
): (HopPatch & { kind: HopKind; version: number }) | undefined {
  const kind = hopKindOfEvent(event.type);
  if (!kind) return undefined;
  const data = event.data as { status?: unknown; to?: unknown };
  const status = event.type === 'order.status_changed' ? data.to : data.status;
  return {
    kind,
    version: event.version,
    type: event.type,
    ...(STATUS_CHANGES.has(event.type) && typeof status === 'string' ? { status } : {}),
    writtenAt: new Date(event.occurredAt).toISOString(),
    ...(confirmedAtMs !== undefined ? { confirmedAt: new Date(confirmedAtMs).toISOString() } : {}),
  };
}

/** The row a broker or device receipt (`admin/receipts/<orderId>`) adds to; undefined for other topics. */
export function hopRowOfReceipt(receipt: HopReceipt): (HopPatch & { kind: HopKind; version: number }) | undefined {
  const kind = hopKindOfTopic(receipt.topic);
  if (!kind) return undefined;
  if (receipt.hop === 'published') return { kind, version: receipt.version, brokerAt: receipt.pubackAt };
  return { kind, version: receipt.version, watching: receipt.watching, ...(receipt.deviceAckAt ? { deviceAt: receipt.deviceAckAt } : {}) };
}
