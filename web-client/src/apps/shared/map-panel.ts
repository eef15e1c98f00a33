import { el } from './dom.js';
import { loadMap, type LiveMap, type MapScene, type MapSettings } from './map-scene.js';

export interface MapPanel {
  readonly element: HTMLElement;
  show(scene: MapScene): void;
}

/** Coordinates for tests and tools, rounded like the reports: `lat,lng lat,lng …`. */
const coordinates = (points: MapScene['path']) => points.map((p) => `${p.lat},${p.lng}`).join(' ');

/**
 * A box that becomes a live map on the first scene: the map library loads then (once per page).
 * The latest scene is kept while it loads and shown when it is ready. If the library cannot load
 * (offline before it was ever cached), the box says so and the page goes on without a map.
 * `data-state` is `loading`, `ready` or `unavailable`.
 */
export function createMapPanel(settings: MapSettings, { label, testId }: { label: string; testId: string }): MapPanel {
  const canvas = el('div', { class: 'map-canvas' });
  const element = el('div', { class: 'map', role: 'region', 'aria-label': label, 'data-testid': testId, 'data-state': 'loading' }, canvas);
  element.hidden = true;
  let map: LiveMap | undefined;
  let latest: MapScene | undefined;
  let loading: Promise<void> | undefined;

  const describe = (scene: MapScene) => {
    const rider = scene.markers.filter((m) => m.kind === 'rider');
    element.dataset.markers = String(scene.markers.length);
    element.dataset.path = coordinates(scene.path);
    if (rider.length === 1) element.dataset.rider = coordinates(rider);
    else delete element.dataset.rider;
  };
  const start = () => {
    loading ??= loadMap()
      .then((create) => {
        map = create(canvas, settings);
        element.dataset.state = 'ready';
        if (latest) map.show(latest);
      })
      .catch((err: unknown) => {
        element.dataset.state = 'unavailable';
        canvas.replaceChildren(el('p', { class: 'muted small map-unavailable' }, 'The map cannot load right now.'));
        console.warn(`the map could not load: ${(err as Error).message}`);
      });
  };

  return {
    element,
    show(scene) {
      latest = scene;
      element.hidden = scene.markers.length === 0;
      describe(scene);
      if (element.hidden) return;
      if (map) map.show(scene);
      else start();
    },
  };
}
