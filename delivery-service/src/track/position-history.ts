import type { Position } from '@orderpulse/contracts';

/** One rider position kept for a delivery's replay: where, when the rider was there, and when it was kept. */
export interface TrackPoint {
  lat: number;
  lng: number;
  heading?: number;
  /** When the rider was there (the report's time). */
  at: string;
}

/** A delivery's kept positions, oldest first, and when the last one was kept (retention counts from it). */
export interface StoredTrack {
  points: TrackPoint[];
  keptAt: string;
}

/** How much history is kept: at most `maxPerDelivery` positions per delivery (the newest), for `retentionDays` after its last one. */
export interface TrackRetention {
  maxPerDelivery: number;
  retentionDays: number;
}

/**
 * The rider positions of each delivery, kept for replay. Bounded per delivery (the oldest go
 * first) and in time (a delivery's track is dropped `retentionDays` after its last position).
 */
export interface PositionHistory {
  /** Keeps `point` for the delivery unless a point with the same time is kept already (a redelivered report). */
  append(deliveryId: string, point: TrackPoint, now: Date): Promise<void>;
  /** Oldest first (by `at`); empty when none is kept. */
  list(deliveryId: string): Promise<TrackPoint[]>;
  /** Drops the tracks whose last position was kept before `cutoff`; returns how many. */
  pruneKeptBefore(cutoff: Date): Promise<number>;
}

export function trackPointOf(position: Pick<Position, 'lat' | 'lng' | 'at'> & { heading?: number | undefined }): TrackPoint {
  return { lat: position.lat, lng: position.lng, ...(position.heading !== undefined ? { heading: position.heading } : {}), at: new Date(position.at).toISOString() };
}

/** Inserts `point` in time order, skips a repeat of a kept time, keeps the newest `max`. */
export function withPoint(points: readonly TrackPoint[], point: TrackPoint, max: number): TrackPoint[] | null {
  if (points.some((p) => p.at === point.at)) return null;
  const next = [...points, point].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Over a Map (plain, or service-kit's JournaledMap for the zero-setup store: values are replaced, never mutated). */
export function createMapPositionHistory(tracks: Map<string, StoredTrack>, retention: Pick<TrackRetention, 'maxPerDelivery'>): PositionHistory {
  return {
    async append(deliveryId, point, now) {
      const points = withPoint(tracks.get(deliveryId)?.points ?? [], point, retention.maxPerDelivery);
      if (points) tracks.set(deliveryId, { points, keptAt: now.toISOString() });
    },
    async list(deliveryId) {
      return [...(tracks.get(deliveryId)?.points ?? [])];
    },
    async pruneKeptBefore(cutoff) {
      let dropped = 0;
      for (const [id, track] of [...tracks]) {
        if (Date.parse(track.keptAt) < cutoff.getTime()) {
          tracks.delete(id);
          dropped += 1;
        }
      }
      return dropped;
    },
  };
}
