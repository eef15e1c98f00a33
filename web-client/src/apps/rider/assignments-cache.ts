import { riderAssignmentsMessageSchema, type RiderAssignmentsMessage } from '@orderpulse/contracts';
import { readStored, writeStored, type StorageLike } from '../shared/url-token.js';

const keyOf = (riderId: string) => `orderpulse:rider-assignments:${riderId}`;

/** The last assignments seen, so the app opened offline still lists the rider's deliveries. */
export function readCachedAssignments(storage: StorageLike | undefined, riderId: string): RiderAssignmentsMessage | undefined {
  const raw = readStored(storage, keyOf(riderId));
  if (!raw) return undefined;
  try {
    const parsed = riderAssignmentsMessageSchema.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.riderId === riderId ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function cacheAssignments(storage: StorageLike | undefined, message: RiderAssignmentsMessage): void {
  writeStored(storage, keyOf(message.riderId), JSON.stringify(message));
}

export function forgetAssignments(storage: StorageLike | undefined, riderId: string): void {
  writeStored(storage, keyOf(riderId), undefined);
}
