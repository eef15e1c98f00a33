import { pruneTracks, type TrackDeps } from './get-delivery-track.js';

/** Prunes the replay history at start and then every `intervalMs`; a failed pass is logged and the next one tries again. */
export function startTrackPruner(deps: TrackDeps & { clock: () => Date }, intervalMs: number): { stop(): void } {
  const pass = () => void pruneTracks(deps).catch((err: unknown) => deps.logger.warn({ err }, 'pruning the rider position history failed'));
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
