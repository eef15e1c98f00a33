import { formatAge } from './relative-time.js';

/** With no word from the rider's phone for this long, the page says the position is old even before the broker notices the drop. */
export const STALE_AFTER_MS = 45_000;

export type Freshness = 'live' | 'stale' | 'lost';

export interface SignalFacts {
  /** From the broker (via the notifier): the rider's device has a connection. Undefined: not known. */
  online?: boolean | undefined;
  /** Last heard from: a heartbeat, or the connection opening. */
  lastSeenAt?: string | undefined;
  /** When the broker saw the rider's last connection drop. */
  lostAt?: string | undefined;
  /** When the position on the page was reported. */
  positionAt?: string | undefined;
}

export interface FreshnessText {
  freshness: Freshness;
  /** "Updated 5 s ago" / "Signal lost 2 min ago". */
  text: string;
  /** Set when the ETA is based on an old position: "The arrival time is based on the rider's position from 2 min ago." */
  etaNote: string | undefined;
}

const newest = (...times: Array<string | undefined>) => times.filter((t): t is string => t !== undefined).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

/** How fresh what the page knows of the rider is, in words; undefined when nothing is known yet. */
export function describeFreshness(facts: SignalFacts, nowMs: number): FreshnessText | undefined {
  const heardAt = newest(facts.lastSeenAt, facts.positionAt);
  const positionNote = (what: string) =>
    facts.positionAt ? `The arrival time is based on the rider's position from ${formatAge(nowMs - Date.parse(facts.positionAt))}${what}.` : undefined;
  if (facts.online === false) {
    const lostAt = facts.lostAt ?? heardAt;
    return {
      freshness: 'lost',
      text: lostAt ? `Signal lost ${formatAge(nowMs - Date.parse(lostAt))}` : 'Signal lost',
      etaNote: positionNote(', before the signal was lost'),
    };
  }
  if (!heardAt) return undefined;
  const ageMs = nowMs - Date.parse(heardAt);
  const text = `Updated ${formatAge(ageMs)}`;
  if (ageMs > STALE_AFTER_MS) return { freshness: 'stale', text, etaNote: positionNote('') };
  const positionOld = facts.positionAt !== undefined && nowMs - Date.parse(facts.positionAt) > STALE_AFTER_MS;
  return { freshness: 'live', text, etaNote: positionOld ? positionNote('') : undefined };
}
