import type { Role } from '@orderpulse/contracts';

/**
 * Which limits apply to whom, pure. Customers (a token per order, free to anyone who orders) and
 * riders hold tokens the shop hands out to people; admins and services are the shop's own.
 */

/** Retained messages are the system's current state: only services (the notifier) set them [DESIGN.md topics]. */
export function mayRetain(role: Role): boolean {
  return role === 'service';
}

/**
 * Per-subject caps on concurrent connections and persistent sessions. Not for admins (several
 * people may share one admin login) nor services (their instances scale out).
 */
export function hasSubjectQuotas(role: Role): boolean {
  return role === 'customer' || role === 'rider';
}

/**
 * A cap on the distinct filters one connection subscribes to, for every role but services (which
 * subscribe to a fixed handful of filters of their own choosing).
 */
export function hasSubscriptionCap(role: Role): boolean {
  return role !== 'service';
}

/**
 * Offline persistent sessions expire, except a service's: delivery-service's queue holds the
 * rider reports sent while it is down, and losing them would lose data.
 */
export function sessionsExpire(role: Role): boolean {
  return role !== 'service';
}
