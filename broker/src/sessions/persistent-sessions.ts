import type { Client } from 'aedes';
import { armExpiryTimer } from '../auth/expiry-timer.js';
import { wipeSession, type SessionStore } from './wipe-session.js';

export interface ExpiredSession {
  /** The scoped client id (role:subject:id) the session is kept under. */
  id: string;
  subject: string;
  offlineMs: number;
}

export interface PersistentSessionsOptions {
  store: SessionStore;
  /** An offline session is wiped after this long (MQTT 3.1.1 has no session expiry; this is the broker's policy). */
  expiryMs: number;
  /** Sessions one limited subject may hold, online or offline. */
  maxPerSubject: number;
  onExpired(session: ExpiredSession): void;
  onWipeFailed(id: string, err: unknown): void;
  now?: () => number;
}

export interface SessionPolicy {
  /** Counted against the subject's cap. */
  limited: boolean;
  /** Wiped after expiryMs offline. */
  expires: boolean;
}

export interface PersistentSessions {
  /**
   * A clean=false CONNECT passed authentication: it resumes the session kept under `id`, or
   * starts one unless the subject is limited and already holds `maxPerSubject` (then false). The
   * session belongs to `client` until that connection closes; then its expiry starts.
   */
  open(client: Client, id: string, subject: string, policy: SessionPolicy): boolean;
  /** The session under `id` is no longer this broker's to expire: a clean CONNECT wiped it, or a client took it on another broker. */
  forget(id: string): void;
  /** Sessions known to this broker, online or offline. */
  size(): number;
  /** Cancels every pending expiry. */
  close(): void;
}

interface Entry {
  subject: string;
  policy: SessionPolicy;
  owner: Client | undefined;
  cancelExpiry: (() => void) | undefined;
}

/**
 * The broker's record of persistent sessions (clean=false), for two limits: a cap per subject
 * (2,000 sessions from one free customer token were all accepted before) and an expiry of
 * offline sessions, which removes their subscriptions and queued messages through aedes'
 * persistence (memory or Redis, see wipe-session.ts). Kept in memory per broker: with several
 * brokers each expires the sessions that went offline on it, and forgets one another broker
 * reports as connected (create-broker.ts listens to aedes' `$SYS/<broker>/new/clients`).
 */
export function createPersistentSessions({
  store,
  expiryMs,
  maxPerSubject,
  onExpired,
  onWipeFailed,
  now = Date.now,
}: PersistentSessionsOptions): PersistentSessions {
  const byId = new Map<string, Entry>();
  const perSubject = new Map<string, number>();

  const remove = (id: string, entry: Entry) => {
    entry.cancelExpiry?.();
    byId.delete(id);
    if (!entry.policy.limited) return;
    const left = (perSubject.get(entry.subject) ?? 1) - 1;
    if (left > 0) perSubject.set(entry.subject, left);
    else perSubject.delete(entry.subject);
  };

  const goneOffline = (id: string, entry: Entry) => {
    entry.owner = undefined;
    if (!entry.policy.expires) return;
    const offlineAt = now();
    entry.cancelExpiry = armExpiryTimer(offlineAt + expiryMs, () => {
      if (byId.get(id) !== entry || entry.owner) return;
      remove(id, entry);
      wipeSession(store, id).then(
        () => onExpired({ id, subject: entry.subject, offlineMs: now() - offlineAt }),
        (err: unknown) => onWipeFailed(id, err),
      );
    });
  };

  const belongTo = (client: Client, id: string, entry: Entry) => {
    entry.cancelExpiry?.();
    entry.cancelExpiry = undefined;
    entry.owner = client;
    if (client.closed) {
      goneOffline(id, entry);
      return;
    }
    // A takeover closes the older connection after the new one owns the session: only the owner's close counts.
    client.conn.once('close', () => {
      if (byId.get(id) === entry && entry.owner === client) goneOffline(id, entry);
    });
  };

  return {
    open(client, id, subject, policy) {
      const known = byId.get(id);
      if (known) {
        belongTo(client, id, known);
        return true;
      }
      if (policy.limited && (perSubject.get(subject) ?? 0) >= maxPerSubject) return false;
      const entry: Entry = { subject, policy, owner: undefined, cancelExpiry: undefined };
      byId.set(id, entry);
      if (policy.limited) perSubject.set(subject, (perSubject.get(subject) ?? 0) + 1);
      belongTo(client, id, entry);
      return true;
    },
    forget(id) {
      const entry = byId.get(id);
      if (entry) remove(id, entry);
    },
    size: () => byId.size,
    close() {
      for (const entry of byId.values()) entry.cancelExpiry?.();
      byId.clear();
      perSubject.clear();
    },
  };
}
