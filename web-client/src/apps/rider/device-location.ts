import { TypedEmitter } from '../shared/typed-emitter.js';

/** One reading of the device's position. */
export interface Fix {
  lat: number;
  lng: number;
  /** Radius of 68% confidence, metres. */
  accuracyM: number;
  heading?: number;
  at: string;
}

export type LocationStatus =
  { state: 'unsupported' } | { state: 'waiting' } | { state: 'denied' } | { state: 'unavailable'; reason: string } | { state: 'ok'; fix: Fix };

export type GeolocationLike = Pick<Geolocation, 'watchPosition' | 'clearWatch'>;
export type PermissionsLike = { query(descriptor: { name: 'geolocation' }): Promise<Pick<PermissionStatus, 'state' | 'addEventListener'>> };

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** The reading as the app reports it: 6 decimals (~0.1 m), a heading only when the device knows one. */
export function fixOf(position: Pick<GeolocationPosition, 'coords' | 'timestamp'>): Fix {
  const { latitude, longitude, accuracy, heading } = position.coords;
  return {
    lat: round6(latitude),
    lng: round6(longitude),
    accuracyM: Math.round(accuracy),
    ...(heading !== null && Number.isFinite(heading) ? { heading: Math.round(heading) % 360 } : {}),
    at: new Date(position.timestamp).toISOString(),
  };
}

/**
 * The device's position through `watchPosition` (high accuracy). Reports what the rider should
 * know: waiting for a first fix, denied, unavailable, or the newest fix. When the rider allows
 * location later (in the browser's settings), watching starts again by itself.
 */
export class DeviceLocation extends TypedEmitter<{ status: [LocationStatus] }> {
  private watchId: number | undefined;
  private current: LocationStatus;

  constructor(
    private readonly geolocation: GeolocationLike | undefined = globalThis.navigator?.geolocation,
    private readonly permissions: PermissionsLike | undefined = globalThis.navigator?.permissions as PermissionsLike | undefined,
  ) {
    super();
    this.current = geolocation ? { state: 'waiting' } : { state: 'unsupported' };
  }

  get status(): LocationStatus {
    return this.current;
  }

  get fix(): Fix | undefined {
    return this.current.state === 'ok' ? this.current.fix : undefined;
  }

  start(): void {
    if (!this.geolocation || this.watchId !== undefined) return;
    this.watchId = this.geolocation.watchPosition(
      (position) => this.set({ state: 'ok', fix: fixOf(position) }),
      (error) => this.onError(error),
      { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
    );
    void this.permissions
      ?.query({ name: 'geolocation' })
      .then((permission) => {
        permission.addEventListener('change', () => {
          if (permission.state === 'granted' && this.current.state === 'denied') this.restart();
          if (permission.state === 'denied') this.set({ state: 'denied' });
        });
      })
      .catch(() => undefined);
  }

  stop(): void {
    if (this.watchId !== undefined) this.geolocation?.clearWatch(this.watchId);
    this.watchId = undefined;
  }

  private restart(): void {
    this.stop();
    this.set({ state: 'waiting' });
    this.start();
  }

  private onError(error: Pick<GeolocationPositionError, 'code' | 'message'>): void {
    // 1 PERMISSION_DENIED, 2 POSITION_UNAVAILABLE, 3 TIMEOUT (the watch goes on).
    if (error.code === 1) this.set({ state: 'denied' });
    else if (error.code === 2) this.set({ state: 'unavailable', reason: error.message || 'no position' });
    else if (this.current.state !== 'ok') this.set({ state: 'waiting' });
  }

  private set(next: LocationStatus): void {
    this.current = next;
    this.emit('status', next);
  }
}
