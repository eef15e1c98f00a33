import '../shared/zod-without-eval.js';
import './styles.css';
import { ApiClient } from '../shared/api-client.js';
import { fetchClientConfig, type ClientConfig } from '../shared/client-config.js';
import { appContainer, el } from '../shared/dom.js';
import { OrdersApi } from '../shared/orders-api.js';
import { sessionStorageOrUndefined } from '../shared/url-token.js';
import { AdminSession } from './admin-session.js';
import { startConsole } from './console-page.js';
import { createLoginView } from './login-view.js';

const container = appContainer();
const session = new AdminSession(sessionStorageOrUndefined());

function showLogin(config: ClientConfig, notice?: string): void {
  const orders = new OrdersApi(new ApiClient({ baseUrl: config.ordersUrl }));
  const view = createLoginView(
    (username, password) => orders.login(username, password),
    (login) => {
      session.save(login);
      showConsole(config);
    },
    notice,
  );
  container.replaceChildren(view);
  document.getElementById('admin-username')?.focus();
}

function showConsole(config: ClientConfig): void {
  const current = session.current();
  if (!current) {
    showLogin(config);
    return;
  }
  startConsole(container, config, current.token, (notice) => {
    session.clear();
    showLogin(config, notice);
  });
}

fetchClientConfig()
  .then(showConsole)
  .catch((err: unknown) => {
    console.error('could not load the client configuration', err);
    container.replaceChildren(
      el(
        'main',
        { class: 'page' },
        el('p', { class: 'problem', role: 'alert' }, 'The console cannot start: its configuration did not load. Reload the page in a moment.'),
      ),
    );
  });
