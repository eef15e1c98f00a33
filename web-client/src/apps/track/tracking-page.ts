import {
  orderLocationMessageSchema,
  orderSignalMessageSchema,
  orderStatusMessageSchema,
  orderTrackingMessageSchema,
  topics,
  type OrderReceiptMessage,
} from '@orderpulse/contracts';
import { ApiClient, ApiError, fetchImageAsDataUrl } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import { fetchClientConfig, type ClientConfig } from '../shared/client-config.js';
import { indicatorState } from '../shared/connection-indicator.js';
import { FallbackPoller } from '../shared/fallback-poller.js';
import { openLiveConnection } from '../shared/live-connection.js';
import type { ConnectionState } from '../shared/mqtt-live-client.js';
import { OrdersApi } from '../shared/orders-api.js';
import { ORDER_STATUS_LABELS } from '../shared/status-labels.js';
import { createFeedbackView } from './feedback-view.js';
import { DeliveryApi } from '../shared/delivery-api.js';
import { createDeliveredPath } from './delivered-path.js';
import { createStatusNotifications } from './status-notifications.js';
import { TrackingState } from './tracking-state.js';
import { createTrackingView } from './tracking-view.js';

/** While MQTT is down the page asks orders-service this often. */
const POLL_INTERVAL_MS = 3_000;
/** A first connection that takes longer than this starts polling meanwhile. */
const FIRST_CONNECT_GRACE_MS = 3_000;

const NOT_ACCEPTED = 'This tracking link was not accepted. It may have expired; open the newest link from your e-mail.';
const NOT_THIS_ORDER = 'This tracking link does not give access to this order.';

/**
 * The customer's page for one order: the snapshot over HTTP (full history and the address),
 * then live status, tracking and location over MQTT; polling while MQTT is unavailable.
 */
export async function startTrackingPage(container: HTMLElement, orderId: string, token: string | undefined): Promise<void> {
  const showWithout = () => {
    const view = createTrackingView(null);
    container.replaceChildren(view.root);
    view.showConnection('offline');
    return view;
  };
  if (!token) {
    showWithout().showAccessError('This tracking link is incomplete: it carries no access key. Open the full link from your order confirmation.');
    return;
  }

  let config: ClientConfig;
  try {
    config = await fetchClientConfig();
  } catch (err) {
    console.error('could not load the client configuration', err);
    showWithout().showProblem('Live tracking is unavailable right now. Please reload the page in a moment.');
    return;
  }
  const deliveryUrl = config.deliveryUrl.replace(/\/+$/, '');
  const view = createTrackingView(config.map, (deliveryId) =>
    fetchImageAsDataUrl(`${deliveryUrl}/deliveries/${encodeURIComponent(deliveryId)}/proof/file`, token),
  );
  container.replaceChildren(view.root);

  const state = new TrackingState(orderId);
  const orders = new OrdersApi(new ApiClient({ baseUrl: config.ordersUrl, token: () => token }));
  const notifications = createStatusNotifications();
  view.extras.append(notifications.element);
  // Issue 18 point 7: the rating form, once delivered.
  const feedback = createFeedbackView(orders, orderId);
  view.extras.before(feedback.element);
  const deliveredPath = config.customerPathAfterDelivery
    ? createDeliveredPath(new DeliveryApi(new ApiClient({ baseUrl: config.deliveryUrl, token: () => token })))
    : undefined;
  if (deliveredPath) view.extras.append(deliveredPath.element);
  let liveState: ConnectionState = 'connecting';
  let denied = false;
  let announcedStatus: string | undefined;

  let announcedArrival: string | undefined;
  const refresh = () => {
    if (denied) return;
    view.render(state);
    feedback.render(state);
    view.tick(state, Date.now());
    // The rider near the address (delivery.arriving): announced once, like a status change.
    const tracking = state.tracking;
    if (tracking?.arrivingAt && (tracking.status === 'picked_up' || tracking.status === 'in_transit') && announcedArrival !== tracking.deliveryId) {
      announcedArrival = tracking.deliveryId;
      notifications.notify(
        `${state.order?.orderNumber ?? 'Your order'}: arriving`,
        'Your rider is almost there: they are close to your address.',
        `${orderId}-arriving`,
      );
    }
    deliveredPath?.update(state);
    const order = state.order;
    if (!order || order.status === announcedStatus) return;
    if (announcedStatus !== undefined) {
      notifications.notify(
        `${order.orderNumber}: ${ORDER_STATUS_LABELS[order.status]}`,
        `Your order is now “${ORDER_STATUS_LABELS[order.status]}”.`,
        order.orderId,
      );
    }
    announcedStatus = order.status;
  };

  const fetchSnapshot = async (signal?: AbortSignal) => {
    try {
      const snapshot = await orders.getOrder(orderId, signal);
      if (state.applySnapshot(snapshot)) refresh();
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      if (err instanceof ApiError && (err.isAccessDenied || err.status === 404)) deny(err.status === 401 ? NOT_ACCEPTED : NOT_THIS_ORDER);
      else console.warn(`could not fetch the order: ${describeApiError(err)}`);
    }
  };

  const poller = new FallbackPoller({
    poll: fetchSnapshot,
    intervalMs: POLL_INTERVAL_MS,
    graceMs: FIRST_CONNECT_GRACE_MS,
    onActiveChange: () => showConnection(),
  });
  const showConnection = () => {
    if (!denied) view.showConnection(indicatorState(liveState, poller.active));
  };

  const client = openLiveConnection({ url: config.mqttWsUrl, role: 'customer', token, clientIdPrefix: 'track' });
  const ticker = setInterval(() => view.tick(state, Date.now()), 1_000);
  function deny(text: string): void {
    if (denied) return;
    denied = true;
    poller.dispose();
    clearInterval(ticker);
    void client.close();
    view.showConnection('offline');
    view.showAccessError(text);
  }

  client.on('state', (next) => {
    liveState = next;
    poller.update(next);
    showConnection();
  });
  client.on('refused', (reason) => {
    console.warn(`live updates refused: ${reason}`);
    deny(NOT_ACCEPTED);
  });
  client.on('denied', (topic) => {
    console.warn(`subscription refused: ${topic}`);
    deny(NOT_THIS_ORDER);
  });
  // Issue 17 point 1: "this page has it", for the admins' per-hop receipts (the broker keeps only the first per version).
  const receipt = (topic: OrderReceiptMessage['topic'], version: number) =>
    void client.publish(topics.orderReceipt(orderId), { topic, version }).catch(() => undefined);
  client.subscribe({
    topic: topics.orderStatus(orderId),
    schema: orderStatusMessageSchema,
    onMessage: (m) => {
      if (state.applyStatus(m)) {
        refresh();
        receipt('status', m.version);
      }
    },
  });
  client.subscribe({
    topic: topics.orderTracking(orderId),
    schema: orderTrackingMessageSchema,
    onMessage: (m) => {
      if (state.applyTracking(m)) {
        refresh();
        receipt('tracking', m.version);
      }
    },
  });
  client.subscribe({
    topic: topics.orderLocation(orderId),
    schema: orderLocationMessageSchema,
    onMessage: (m) => state.applyLocation(m) && refresh(),
    onCleared: () => state.clearLocation() && refresh(),
  });
  client.subscribe({
    topic: topics.orderSignal(orderId),
    schema: orderSignalMessageSchema,
    versionOf: () => undefined,
    onMessage: (m) => state.applySignal(m) && refresh(),
    onCleared: () => state.clearSignal() && refresh(),
  });
  poller.update(client.state);
  await fetchSnapshot();
}
