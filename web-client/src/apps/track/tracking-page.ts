import { orderStatusMessageSchema, topics } from '@orderpulse/contracts';
import { fetchClientConfig } from '../shared/client-config.js';
import { LiveClient } from '../shared/mqtt-live-client.js';
import { createTrackingView } from './tracking-view.js';

/** Customers authenticate to the broker as `customer` with their tracking token as password. */
const CUSTOMER_USERNAME = 'customer';

export async function startTrackingPage(container: HTMLElement, orderId: string, token: string | undefined): Promise<LiveClient | undefined> {
  const view = createTrackingView(orderId);
  container.replaceChildren(view.root);

  let mqttWsUrl: string;
  try {
    ({ mqttWsUrl } = await fetchClientConfig());
  } catch (err) {
    console.error('could not load the client configuration', err);
    view.showConnection('offline');
    view.showProblem('Live tracking is unavailable right now. Please reload the page in a moment.');
    return undefined;
  }

  const client = new LiveClient({
    url: mqttWsUrl,
    clientIdPrefix: 'track',
    ...(token ? { username: CUSTOMER_USERNAME, password: token } : {}),
  });
  client.on('state', (state) => view.showConnection(state));
  client.on('refused', (reason) => {
    console.warn(`live updates refused: ${reason}`);
    view.showProblem('This tracking link was not accepted. It may have expired; open the newest link from your e-mail.');
  });
  client.on('denied', () => view.showProblem('This tracking link does not give access to this order.'));
  client.on('invalid', (topic, reason) => console.warn(`ignored an invalid message on ${topic}: ${reason}`));
  client.on('stale', (topic, version, latest) => console.info(`ignored stale message on ${topic}: version ${version}, showing version ${latest}`));
  client.on('error', (error) => console.warn(`live updates: ${error.message}`));

  client.subscribe({
    topic: topics.orderStatus(orderId),
    schema: orderStatusMessageSchema,
    onMessage: (message) => {
      if (message.orderId !== orderId) {
        console.warn(`ignored a status for order ${message.orderId} on this order's topic`);
        return;
      }
      view.showStatus(message);
    },
  });
  return client;
}
