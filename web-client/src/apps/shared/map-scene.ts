import type { LatLng } from '@orderpulse/contracts';

/** What a map draws; the map itself (Leaflet) is loaded only by pages that show one. */
export type MarkerKind = 'rider' | 'destination';

export interface MapMarker extends LatLng {
  /** Stable across updates, so a marker moves instead of being redrawn. */
  id: string;
  kind: MarkerKind;
  /** Shown next to the marker, as text. */
  label: string;
}

export interface MapScene {
  markers: readonly MapMarker[];
  /** The way a rider came, oldest first; drawn as a line. */
  path: readonly LatLng[];
}

export interface MapSettings {
  /** An XYZ template: `https://…/{z}/{x}/{y}.png`. */
  tileUrl: string;
  /** Plain text; shown in the map's corner. */
  attribution: string;
}

export interface LiveMap {
  show(scene: MapScene): void;
  destroy(): void;
}

export type CreateMap = (container: HTMLElement, settings: MapSettings) => LiveMap;

/** The map module and its library, fetched on first use (a chunk of its own). */
export function loadMap(): Promise<CreateMap> {
  return import('../map/leaflet-map.js').then((module) => module.createLeafletMap);
}
