import '../shared/zod-without-eval.js';
import './styles.css';
import { createLookupView } from './lookup-view.js';
import { parseTrackRoute, takeTrackingToken } from './route.js';
import { startTrackingPage } from './tracking-page.js';

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

const container = document.getElementById('app');
if (!container) throw new Error('#app is missing from the page');

const route = parseTrackRoute(window.location.pathname);
if (route.kind === 'order') {
  const token = takeTrackingToken(route.orderId, { location: window.location, history: window.history, storage: sessionStorageOrUndefined() });
  void startTrackingPage(container, route.orderId, token);
} else {
  container.replaceChildren(createLookupView(route.kind === 'invalid' ? 'That tracking link is not valid. Check that you copied all of it.' : undefined));
}
