import {
  adminFeedMessageSchema,
  hopReceiptSchema,
  orderSnapshotSchema,
  orderStatusMessageSchema,
  riderHeartbeatSchema,
  riderPresenceMessageSchema,
  topics,
  type OrderStatus,
} from '@orderpulse/contracts';
import { ApiClient, ApiError, fetchImageAsDataUrl } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import type { ClientConfig } from '../shared/client-config.js';
import { createConnectionIndicator } from '../shared/connection-indicator.js';
import { DeliveryApi } from '../shared/delivery-api.js';
import { el, problemBox } from '../shared/dom.js';
import { openLiveConnection } from '../shared/live-connection.js';
import { OrdersApi } from '../shared/orders-api.js';
import type { ConsoleDeps } from './console-deps.js';
import { createEventFeedView } from './event-feed-view.js';
import { ACTIVE_DELIVERY_STATUSES, FleetModel } from './fleet-model.js';
import { createFleetView } from './fleet-view.js';
import { createLatenessView } from './lateness-view.js';
import { createPunctualityView } from './punctuality-view.js';
import { createRatingsView } from './ratings-view.js';
import { createOrderPanel } from './order-panel.js';
import { OrdersStore } from './orders-store.js';
import { createOrdersTableView } from './orders-table-view.js';
import { RidersModel } from './riders-model.js';
import { ReceiptsModel } from './receipts-model.js';
import { createHopStatsView } from './receipts-view.js';
import { createRidersView } from './riders-view.js';

const PAGE_SIZE = 50;
const EXPIRED = 'Your session has expired. Sign in again.';

/** The signed-in console: orders (live), the open order, riders and the live feed. */
export function startConsole(container: HTMLElement, config: ClientConfig, token: string, signOut: (notice?: string) => void): void {
  const connection = createConnectionIndicator();
  const problem = problemBox('console-error');
  const store = new OrdersStore();
  const riders = new RidersModel();
  const fleet = new FleetModel();
  const receipts = new ReceiptsModel();
  const live = openLiveConnection({ url: config.mqttWsUrl, role: 'admin', token, clientIdPrefix: 'admin' });
  let ended = false;
  const end = (notice?: string) => {
    if (ended) return;
    ended = true;
    void live.close();
    signOut(notice);
  };
  const deps: ConsoleDeps = {
    orders: new OrdersApi(new ApiClient({ baseUrl: config.ordersUrl, token: () => token })),
    delivery: new DeliveryApi(new ApiClient({ baseUrl: config.deliveryUrl, token: () => token })),
    proofImage: (deliveryId) => fetchImageAsDataUrl(`${config.deliveryUrl.replace(/\/+$/, '')}/deliveries/${encodeURIComponent(deliveryId)}/proof/file`, token),
    store,
    riders,
    live,
    map: config.map,
    receipts,
    failed(err) {
      if (err instanceof ApiError && err.status === 401) end(EXPIRED);
      return describeApiError(err);
    },
  };

  let cursor: string | null | undefined;
  const loadOrders = (query: { status?: OrderStatus; cursor?: string } = {}) =>
    deps.orders
      .listOrders({ limit: PAGE_SIZE, ...query })
      .then((page) => {
        store.upsertSnapshots(page.items);
        if (!query.status) {
          cursor = page.nextCursor ?? null;
          table.setHasMore(cursor !== null);
        }
      })
      .catch((err: unknown) => problem.show(deps.failed(err)));

  const panel = createOrderPanel(deps, (closed) => {
    table.setSelected(undefined);
    table.focusRow(closed);
  });
  const table = createOrdersTableView(store, {
    open: (orderId) => openOrder(orderId),
    filterChanged: (status) => void (status ? loadOrders({ status }) : undefined),
    loadMore: () => void (cursor ? loadOrders({ cursor }) : undefined),
  });
  const loadFleet = () =>
    Promise.all(ACTIVE_DELIVERY_STATUSES.map((status) => deps.delivery.deliveriesIn(status)))
      .then((pages) => fleet.applySnapshots(pages.flat()))
      .catch((err: unknown) => problem.show(deps.failed(err)));
  const openOrder = (orderId: string) => {
    table.setSelected(orderId);
    panel.open(orderId);
  };
  // Issue 18 points 5 and 7.
  const lateness = createLatenessView(fleet, store, openOrder);
  const punctuality = createPunctualityView(deps);
  const ratings = createRatingsView(deps, openOrder);
  const feed = createEventFeedView((orderId) => store.get(orderId)?.orderNumber);
  const signOutButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'sign-out' }, 'Sign out');
  signOutButton.addEventListener('click', () => end());

  container.replaceChildren(
    el(
      'main',
      { class: 'page console' },
      el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · admin'), el('div', { class: 'row' }, connection.element, signOutButton)),
      problem.element,
      el(
        'div',
        { class: 'console-grid' },
        el('div', { class: 'stack' }, table.element, feed.element),
        el(
          'div',
          { class: 'stack' },
          panel.element,
          createHopStatsView(receipts),
          lateness,
          createFleetView(fleet, config.map, openOrder),
          punctuality,
          ratings.element,
          createRidersView(deps),
        ),
      ),
    ),
  );

  let wasLive = false;
  live.on('state', (state) => {
    connection.show(state);
    if (state === 'live' && wasLive) {
      void loadOrders();
      void loadFleet();
      ratings.refresh();
    }
    if (state === 'live') wasLive = true;
  });
  live.on('refused', () => end(EXPIRED));
  live.on('denied', (topic) => problem.show(`Live updates for ${topic} were refused by the broker.`));
  live.subscribe({
    topic: topics.adminOrders(),
    schema: adminFeedMessageSchema,
    versionOf: () => undefined,
    onMessage: (entry) => {
      feed.add(entry);
      fleet.applyFeed(entry);
      receipts.applyFeed(entry);
      if (entry.type !== 'order.created') return;
      const snapshot = orderSnapshotSchema.safeParse(entry.data);
      if (snapshot.success) store.upsertSnapshot(snapshot.data);
    },
  });
  // Issue 17 point 1: the notifier's and the broker's receipts of every order's messages.
  live.subscribe({
    topic: 'admin/receipts/+',
    schema: hopReceiptSchema,
    versionOf: () => undefined,
    onMessage: (receipt) => receipts.applyReceipt(receipt),
  });
  live.subscribe({
    topic: 'riders/+/presence',
    schema: riderPresenceMessageSchema,
    versionOf: () => undefined,
    onMessage: (message) => fleet.applyPresence(message),
  });
  live.subscribe({
    topic: 'riders/+/heartbeat',
    schema: riderHeartbeatSchema,
    versionOf: () => undefined,
    onMessage: (_message, topic) => {
      const riderId = topic.split('/')[1];
      if (riderId) fleet.applyHeartbeat(riderId, Date.now());
    },
  });
  live.subscribe({
    topic: 'orders/+/status',
    schema: orderStatusMessageSchema,
    // Retained statuses of older orders arrive too; their customer details load when opened.
    onMessage: (message) => void store.applyStatus(message),
  });

  void loadOrders();
  void loadFleet();
  deps.delivery
    .riders()
    .then((list) => riders.replace(list))
    .catch((err: unknown) => problem.show(deps.failed(err)));
}
