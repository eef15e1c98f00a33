import { z } from 'zod';
import { domainEventSchema, isoDateTime, type DomainEvent, type OrderCreatedEvent } from '@orderpulse/contracts';

const envelope = {
  id: z.uuid(),
  orderId: z.uuid(),
  version: z.number().int().min(1),
  occurredAt: isoDateTime,
};

/** Every type contracts/ defines today. */
const CONTRACT_TYPES: ReadonlySet<string> = new Set(domainEventSchema.options.map((option) => option.shape.type.value));

/**
 * Any other event on the two exchanges (a type added to contracts later): a well-formed envelope
 * is enough, since this service sends no mail for it. Its data is not read.
 */
const otherEventSchema = z.object({ ...envelope, type: z.string().regex(/^(order|delivery)\.[a-z_]{1,64}$/), data: z.unknown() });

export type OtherEvent = z.infer<typeof otherEventSchema>;
export type MailEvent = DomainEvent | OtherEvent;

function schemaFor(type: unknown): z.ZodType {
  if (typeof type === 'string' && CONTRACT_TYPES.has(type)) return domainEventSchema;
  return otherEventSchema;
}

/**
 * What the `mail-service` queue accepts: an event of a type contracts/ knows must match its
 * schema exactly (a malformed order.created goes to the dead-letter queue with the reason);
 * other types need a valid envelope.
 */
export const mailEventSchema: z.ZodType<MailEvent> = z.unknown().transform((value, ctx) => {
  const type = value && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
  const parsed = schemaFor(type).safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return parsed.data as MailEvent;
}) as unknown as z.ZodType<MailEvent>;

/** Sound because an event whose type contracts/ knows only passes the schema as that contract's event. */
export function isOrderCreated(event: MailEvent): event is OrderCreatedEvent {
  return event.type === 'order.created';
}
