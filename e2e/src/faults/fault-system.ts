import { OrdersClient } from '../harness/orders-client.js';
import { startSystem, type SystemOptions } from '../harness/system.js';
import { TestTokens } from '../harness/tokens.js';
import { createFaultRunner, type FaultRow } from './fault-runner.js';

export interface FaultSystemOptions extends Pick<SystemOptions, 'amqpUrl' | 'namespace' | 'mongo' | 'env'> {
  /** Where each fault's row goes. */
  rows: FaultRow[];
  ordersPerFault?: number;
}

/**
 * What every fault suite starts: broker, orders-service, delivery-service and notifier on free
 * ports (logging at warn), an admin's orders client, and a fault runner over them. The suites
 * differ only in the store (`mongo`) and in settings (`env`, e.g. Redis).
 */
export async function startFaultSystem(options: FaultSystemOptions) {
  const { amqpUrl, namespace, mongo, env, rows, ordersPerFault } = options;
  const system = await startSystem({
    amqpUrl,
    namespace,
    ports: 'free',
    services: ['broker', 'orders', 'delivery', 'notifier'],
    logLevel: 'warn',
    ...(mongo ? { mongo } : {}),
    ...(env ? { env } : {}),
  });
  const tokens = new TestTokens(system.jwtSecret);
  const adminToken = await tokens.admin();
  const orders = new OrdersClient(system.urls.orders, adminToken);
  const { runFault } = createFaultRunner({ system, namespace, tokens, orders, adminToken, rows, ...(ordersPerFault ? { ordersPerFault } : {}) });
  return { system, tokens, adminToken, orders, runFault };
}
