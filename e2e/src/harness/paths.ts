import { join, resolve } from 'node:path';

/** The repository root, from both `e2e/src/harness` (tests) and `e2e/dist/harness` (built). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** Compiled entry points of the deployables; `npm run build` produces them. */
export const ENTRY_POINTS = {
  broker: join(REPO_ROOT, 'broker/dist/main.js'),
  orders: join(REPO_ROOT, 'orders-service/dist/main.js'),
  delivery: join(REPO_ROOT, 'delivery-service/dist/main.js'),
  notifier: join(REPO_ROOT, 'notifier-service/dist/main.js'),
  mail: join(REPO_ROOT, 'mail-service/dist/main.js'),
  web: join(REPO_ROOT, 'web-client/dist/server/main.js'),
} as const;

export type ServiceName = keyof typeof ENTRY_POINTS;
