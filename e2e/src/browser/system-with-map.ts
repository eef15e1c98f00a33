import { deleteAmqpNamespace } from '@orderpulse/service-kit/testing';
import { startSystem, type RunningSystem, type SystemOptions } from '../harness/system.js';
import { startTileServer, type TileServer } from './tile-server.js';

/** Every consumer queue the full system declares (deleted with its namespace). */
const QUEUES = ['notifier', 'delivery-service.orders', 'orders-service.delivery'];

export interface SystemWithMap {
  system: RunningSystem;
  tiles: TileServer;
  /** Stops the system and the tile server and deletes the AMQP namespace. */
  stop(): Promise<void>;
}

/** The whole system with MAP_TILE_URL pointing at a tile server of this test's own. */
export async function startSystemWithMap(options: Omit<SystemOptions, 'ports'>): Promise<SystemWithMap> {
  const tiles = await startTileServer();
  const env = { ...options.env, web: { MAP_TILE_URL: tiles.template, MAP_ATTRIBUTION: 'Test tiles', ...options.env?.web } };
  let system: RunningSystem;
  try {
    system = await startSystem({ ...options, ports: 'free', env });
  } catch (err) {
    await tiles.close();
    throw err;
  }
  return {
    system,
    tiles,
    async stop() {
      await system.stop();
      await tiles.close();
      await deleteAmqpNamespace(options.amqpUrl, options.namespace, QUEUES);
    },
  };
}
