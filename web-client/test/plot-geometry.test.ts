import { describe, expect, it } from '@jest/globals';
import { compassDirection, layoutPlot, niceRadiusKm, offsetKm } from '../src/apps/track/plot-geometry.js';

const HOME = { lat: 51.4495, lng: -2.5966 };

describe('plot geometry', () => {
  it('when a point is north-east of home, then its offset is positive both ways and about the right size', () => {
    const offset = offsetKm(HOME, { lat: HOME.lat + 0.009, lng: HOME.lng + 0.0144 });
    expect(offset.north).toBeCloseTo(0.995, 2);
    expect(offset.east).toBeCloseTo(1.0, 1);
    expect(compassDirection(offset)).toBe('north-east');
  });

  it.each([
    [{ east: 0, north: 1 }, 'north'],
    [{ east: 0, north: -1 }, 'south'],
    [{ east: -1, north: 0 }, 'west'],
    [{ east: -1, north: -1 }, 'south-west'],
  ])('when the offset is %j, then the direction is %s', (offset, direction) => {
    expect(compassDirection(offset)).toBe(direction);
  });

  it.each([
    [0.05, 0.25],
    [0.25, 0.25],
    [0.3, 0.5],
    [1.2, 2],
    [7, 10],
  ])('when the farthest point is %d km, then the radius is %d km', (km, radius) => {
    expect(niceRadiusKm(km)).toBe(radius);
  });

  it('when laid out, then home is in the middle, north is up and the rider is inside the outer ring', () => {
    const rider = { lat: HOME.lat + 0.009, lng: HOME.lng };
    const layout = layoutPlot(HOME, rider, [{ lat: HOME.lat + 0.018, lng: HOME.lng }], 240, 20);
    expect(layout.center).toBe(120);
    expect(layout.radiusKm).toBe(2);
    expect(layout.rider.x).toBe(120);
    expect(layout.rider.y).toBeLessThan(120);
    const outer = layout.rings[layout.rings.length - 1]?.r ?? 0;
    for (const p of [layout.rider, ...layout.trail]) expect(Math.hypot(p.x - 120, p.y - 120)).toBeLessThanOrEqual(outer);
  });

  it('when the rider is at the door, then the layout still has a radius', () => {
    expect(layoutPlot(HOME, HOME, []).radiusKm).toBe(0.25);
  });
});
