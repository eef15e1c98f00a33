import { z } from 'zod';
import type { ListPosition } from '../data-access/order-repository.js';

const positionSchema = z.object({ createdAt: z.iso.datetime({ offset: true }), id: z.uuid() });

/** Opaque to clients: base64url of the last listed order's position. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify({ createdAt: position.createdAt, id: position.id })).toString('base64url');
}

/** A `cursor` query value: fails validation (naming `cursor`) unless it came from encodeCursor. */
export const cursorSchema = z.string().transform((cursor, ctx): ListPosition => {
  try {
    const parsed = positionSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // not base64url JSON: reported below like any other bad cursor
  }
  ctx.addIssue({ code: 'custom', message: 'not a cursor returned by GET /orders' });
  return z.NEVER;
});
