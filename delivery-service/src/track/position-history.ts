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
  return {
    lat: position.lat,
    lng: position.lng,
    ...(position.heading !== undefined ? { heading: position.heading } : {}),
    at: new Date(position.at).toISOString(),
  };
}

/** Inserts `point` in time order, skips a repeat of a kept time, keeps the newest `max`. */
export function withPoint(points: readonly TrackPoint[], point: TrackPoint, max: number): TrackPoint[] | null {
  if (points.some((p) => p.at === point.at)) return null;
  const next = [...points, point].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return next.length > max ? next.slice(next.length - max) : next;
}

/** One kept point as the zero-setup store holds it: a Map entry of its own, keyed by delivery and time. */
export interface KeptPoint {
  deliveryId: string;
  point: TrackPoint;
  /** When it was kept (retention counts from a track's newest). */
  keptAt: string;
}

const keyOf = (deliveryId: string, at: string) => `${deliveryId}|${at}`;

/**
 * Over a Map of points (plain, or service-kit's JournaledMap for the zero-setup store), one entry
 * per point so the journal grows by a point per position, not by the whole track. Tracks are
 * indexed in memory, rebuilt from the Map at start.
 */
export function createMapPositionHistory(points: Map<string, KeptPoint>, retention: Pick<TrackRetention, 'maxPerDelivery'>): PositionHistory {
  const tracks = new Map<string, StoredTrack>();
  const index = (kept: KeptPoint) => {
    const track = tracks.get(kept.deliveryId) ?? { points: [], keptAt: kept.keptAt };
    const next = withPoint(track.points, kept.point, Number.MAX_SAFE_INTEGER) ?? track.points;
    tracks.set(kept.deliveryId, { points: next, keptAt: kept.keptAt > track.keptAt ? kept.keptAt : track.keptAt });
  };
  for (const kept of points.values()) index(kept);

  return {
    async append(deliveryId, point, now) {
      const track = tracks.get(deliveryId);
      const next = withPoint(track?.points ?? [], point, retention.maxPerDelivery);
      if (!next) return;
      const keptAt = now.toISOString();
      points.set(keyOf(deliveryId, point.at), { deliveryId, point, keptAt });
      const stays = new Set(next.map((p) => p.at));
      for (const old of track?.points ?? []) if (!stays.has(old.at)) points.delete(keyOf(deliveryId, old.at));
      tracks.set(deliveryId, { points: next, keptAt });
    },
    async list(deliveryId) {
      return [...(tracks.get(deliveryId)?.points ?? [])];
    },
    async pruneKeptBefore(cutoff) {
      let dropped = 0;
      for (const [id, track] of [...tracks]) {
        if (Date.parse(track.keptAt) >= cutoff.getTime()) continue;
        for (const p of track.points) points.delete(keyOf(id, p.at));
        tracks.delete(id);
        dropped += 1;
      }
      return dropped;
    },
  };
}
