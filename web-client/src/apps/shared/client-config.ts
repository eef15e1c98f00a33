import { z } from 'zod';

/** What the web-client server tells the apps at `/config.json`. */
export const clientConfigSchema = z.object({
  mqttWsUrl: z.string().regex(/^wss?:\/\//, 'expected a ws:// or wss:// URL'),
  ordersUrl: z.url(),
  deliveryUrl: z.url(),
  /** Raster tiles for the maps; null: the pages draw without a map. */
  map: z
    .object({ tileUrl: z.string().regex(/^https?:\/\//), attribution: z.string() })
    .nullable()
    .default(null),
  /** The tracking page shows the rider's path once the order is delivered (CUSTOMER_PATH_AFTER_DELIVERY). */
  customerPathAfterDelivery: z.boolean().default(false),
});
export type ClientConfig = z.infer<typeof clientConfigSchema>;

export type FetchLike = (input: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export async function fetchClientConfig(fetchFn: FetchLike = (input) => fetch(input), path = '/config.json'): Promise<ClientConfig> {
  const response = await fetchFn(path);
  if (!response.ok) throw new Error(`could not load ${path}: HTTP ${response.status}`);
  const parsed = clientConfigSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${path} is not a valid client configuration: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  return parsed.data;
}
