import type { LatLng } from '@orderpulse/contracts';
import { el, svg } from '../shared/dom.js';
import { formatDistance } from '../shared/relative-time.js';
import { layoutPlot } from './plot-geometry.js';

export interface PlotInput {
  destination: LatLng | undefined;
  rider: (LatLng & { heading?: number | undefined }) | undefined;
  trail: readonly LatLng[];
  /** The sentence a screen reader hears; it names the one distance the page shows. */
  description: string;
}

/**
 * The rider's last position drawn around the delivery address (north up, rings for scale):
 * plain SVG built here, no map tiles or anything else from the internet. The fallback when no
 * map tile source is configured.
 */
export function createPositionPlot(): { element: HTMLElement; render(input: PlotInput): void } {
  const element = el('figure', { class: 'plot', 'data-testid': 'rider-position' });
  element.hidden = true;

  function render({ destination, rider, trail, description }: PlotInput): void {
    element.hidden = !rider;
    if (!rider) return;
    element.dataset.lat = String(rider.lat);
    element.dataset.lng = String(rider.lng);
    if (!destination) {
      element.replaceChildren(el('figcaption', { class: 'muted small' }, `Last position ${rider.lat.toFixed(4)}, ${rider.lng.toFixed(4)}`));
      return;
    }
    const layout = layoutPlot(destination, rider, trail);
    const { center, size } = layout;
    const picture = svg(
      'svg',
      { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': description, class: 'plot-svg' },
      svg('title', {}, description),
      ...layout.rings.map((ring) => svg('circle', { class: 'plot-ring', cx: center, cy: center, r: ring.r })),
      ...layout.rings.map((ring) => svg('text', { class: 'plot-ring-label', x: center + 3, y: center - ring.r - 3 }, formatDistance(ring.km))),
      svg('text', { class: 'plot-north', x: center, y: 11, 'text-anchor': 'middle' }, 'N'),
      layout.trail.length ? svg('polyline', { class: 'plot-trail', points: [...layout.trail, layout.rider].map((p) => `${p.x},${p.y}`).join(' ') }) : null,
      svg('line', { class: 'plot-leg', x1: center, y1: center, x2: layout.rider.x, y2: layout.rider.y }),
      svg('g', { class: 'plot-home', transform: `translate(${center} ${center})` }, svg('path', { d: 'M-8 1 L0 -7 L8 1 L6 1 L6 8 L-6 8 L-6 1 Z' })),
      svg(
        'g',
        { class: 'plot-rider', transform: `translate(${layout.rider.x} ${layout.rider.y})` },
        svg('circle', { r: 9 }),
        // An arrowhead pointing where the rider is heading (0° = north, clockwise).
        rider.heading !== undefined
          ? svg('path', { class: 'plot-heading', d: 'M0 -6 L5 4 L0 1.5 L-5 4 Z', transform: `rotate(${Math.round(rider.heading)})` })
          : null,
      ),
    );
    element.replaceChildren(picture);
  }

  return { element, render };
}
