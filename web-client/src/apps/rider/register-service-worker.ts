/**
 * Installs the service worker that keeps the app shell, so the app opens without a network. A
 * browser without service workers (or one that refuses, e.g. in private mode) simply goes without.
 */
export function registerServiceWorker(container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker): void {
  container?.register('/rider-sw.js', { scope: '/rider' }).catch((err: unknown) => console.warn(`the app will not open offline: ${(err as Error).message}`));
}
