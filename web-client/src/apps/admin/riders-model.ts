import type { RiderSummary } from '../shared/delivery-api.js';
import { TypedEmitter } from '../shared/typed-emitter.js';

/** The riders the console knows; the riders panel and the assign form share it. */
export class RidersModel extends TypedEmitter<{ changed: [] }> {
  private items: RiderSummary[] = [];

  get list(): readonly RiderSummary[] {
    return this.items;
  }

  replace(riders: readonly RiderSummary[]): void {
    this.items = [...riders].sort((a, b) => a.name.localeCompare(b.name));
    this.emit('changed');
  }

  add(rider: RiderSummary): void {
    this.replace([...this.items.filter((r) => r.id !== rider.id), rider]);
  }
}
