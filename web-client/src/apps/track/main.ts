import '../shared/zod-without-eval.js';
import './styles.css';
import { ApiClient } from '../shared/api-client.js';
import { fetchClientConfig } from '../shared/client-config.js';
import { appContainer } from '../shared/dom.js';
import { OrdersApi } from '../shared/orders-api.js';
import { sessionStorageOrUndefined } from '../shared/url-token.js';
import { createLookupView } from './lookup-view.js';
import { parseTrackRoute, rememberTrackingToken, takeTrackingToken } from './route.js';
import { startTrackingPage } from './tracking-page.js';

const container = appContainer();
const storage = sessionStorageOrUndefined();
const route = parseTrackRoute(window.location.pathname);

if (route.kind === 'order') {
  const token = takeTrackingToken(route.orderId, { location: window.location, history: window.history, storage });
  void startTrackingPage(container, route.orderId, token);
} else {
  const lookUp = async (orderNumber: string, email: string) => {
    const { ordersUrl } = await fetchClientConfig();
    return new OrdersApi(new ApiClient({ baseUrl: ordersUrl })).lookUpTracking(orderNumber, email);
  };
  const onFound = ({ orderId, trackingToken }: { orderId: string; trackingToken: string }) => {
    rememberTrackingToken(orderId, trackingToken, storage);
    window.location.assign(`/track/${encodeURIComponent(orderId)}`);
  };
  const problem = route.kind === 'invalid' ? 'That tracking link is not valid. Check that you copied all of it, or look the order up below.' : undefined;
  container.replaceChildren(createLookupView(lookUp, onFound, problem));
}
