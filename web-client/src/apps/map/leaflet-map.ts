import 'leaflet/dist/leaflet.css';
import './map.css';
import * as L from 'leaflet';
import type { LiveMap, MapMarker, MapScene, MapSettings } from '../shared/map-scene.js';

const MAX_ZOOM = 19;
/** Close enough to see the streets around a single point. */
const SINGLE_POINT_ZOOM = 16;

/** Leaflet writes attribution as HTML; the setting is plain text. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function labelElement(text: string): HTMLElement {
  const label = document.createElement('span');
  label.textContent = text;
  return label;
}

/** A dot (rider) or a house-coloured pin (address); CSS draws them, no image requests. */
function markerFor(marker: MapMarker): L.Marker {
  const icon = L.divIcon({ className: `map-marker map-marker-${marker.kind}`, iconSize: [18, 18], html: '' });
  return L.marker([marker.lat, marker.lng], { icon, interactive: false, keyboard: false }).bindTooltip(labelElement(marker.label), {
    permanent: true,
    direction: 'top',
    offset: [0, -10],
    className: 'map-label',
  });
}

/**
 * A Leaflet map on raster tiles from the configured source: markers for riders and addresses
 * and a line for the way the rider came. It frames everything on the first scene, and again
 * whenever a marker appears, goes or leaves the view; otherwise the viewer's pan and zoom stay.
 */
export function createLeafletMap(container: HTMLElement, settings: MapSettings): LiveMap {
  const map = L.map(container, { zoomControl: true, attributionControl: true, scrollWheelZoom: false, maxZoom: MAX_ZOOM });
  L.tileLayer(settings.tileUrl, { maxZoom: MAX_ZOOM, attribution: escapeHtml(settings.attribution) }).addTo(map);
  const markers = new Map<string, { leaflet: L.Marker; kind: string; label: string }>();
  const path = L.polyline([], { className: 'map-path', interactive: false }).addTo(map);
  let framed = false;

  const frame = (scene: MapScene) => {
    const points = [...scene.markers, ...scene.path].map((p) => L.latLng(p.lat, p.lng));
    if (points.length === 0) return;
    const bounds = L.latLngBounds(points);
    if (points.length === 1 || bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), SINGLE_POINT_ZOOM);
    else map.fitBounds(bounds, { padding: [36, 36], maxZoom: SINGLE_POINT_ZOOM + 1 });
    framed = true;
  };

  return {
    show(scene) {
      // The box may have been hidden (no size) when the map was made, or resized since.
      map.invalidateSize({ pan: false });
      let changedSet = false;
      const wanted = new Set(scene.markers.map((m) => m.id));
      for (const [id, entry] of markers) {
        if (wanted.has(id)) continue;
        entry.leaflet.remove();
        markers.delete(id);
        changedSet = true;
      }
      for (const marker of scene.markers) {
        const existing = markers.get(marker.id);
        if (existing && existing.kind === marker.kind) {
          existing.leaflet.setLatLng([marker.lat, marker.lng]);
          if (existing.label !== marker.label) existing.leaflet.setTooltipContent(labelElement(marker.label));
          existing.label = marker.label;
          continue;
        }
        existing?.leaflet.remove();
        markers.set(marker.id, { leaflet: markerFor(marker).addTo(map), kind: marker.kind, label: marker.label });
        changedSet = true;
      }
      path.setLatLngs(scene.path.map((p) => [p.lat, p.lng] as [number, number]));
      const view = framed ? map.getBounds() : undefined;
      const outside = scene.markers.some((m) => !view?.contains([m.lat, m.lng]));
      if (!framed || changedSet || outside) frame(scene);
    },
    destroy() {
      map.remove();
    },
  };
}
