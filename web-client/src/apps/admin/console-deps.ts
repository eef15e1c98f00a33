import type { DeliveryApi } from '../shared/delivery-api.js';
import type { LiveClient } from '../shared/mqtt-live-client.js';
import type { OrdersApi } from '../shared/orders-api.js';
import type { MapSettings } from '../shared/map-scene.js';
import type { OrdersStore } from './orders-store.js';
import type { ReceiptsModel } from './receipts-model.js';
import type { RidersModel } from './riders-model.js';

/** What the console's parts share; built once by console-page.ts. */
export interface ConsoleDeps {
  orders: OrdersApi;
  delivery: DeliveryApi;
  store: OrdersStore;
  riders: RidersModel;
  live: LiveClient;
  /** A delivery's proof photo or signature as a data: URL (fetched with the admin's token). */
  proofImage(deliveryId: string): Promise<string>;
  /** The tile source, when one is configured (the replay's map). */
  map?: MapSettings | null;
  /** Issue 17 point 1: the per-hop receipts seen live (the order panel shows the open order's). */
  receipts?: ReceiptsModel;
  /** Turns a failed call into text to show; a 401 also ends the session. */
  failed(err: unknown): string;
}
