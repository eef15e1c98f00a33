import '../shared/zod-without-eval.js';
import './styles.css';
import { fetchClientConfig } from '../shared/client-config.js';
import { appContainer, el } from '../shared/dom.js';
import { sessionStorageOrUndefined, takeTokenFromUrl } from '../shared/url-token.js';
import { riderAccess } from './rider-access.js';
import { startRiderPage } from './rider-page.js';

const container = appContainer();
const token = takeTokenFromUrl('orderpulse:rider-token', { location: window.location, history: window.history, storage: sessionStorageOrUndefined() });
const access = riderAccess(token, Date.now());

const showProblem = (text: string) =>
  container.replaceChildren(el('main', { class: 'page' },
    el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · rider')),
    el('section', { class: 'card', role: 'alert', 'data-testid': 'rider-access-error' }, el('h1', { class: 'title' }, 'Cannot sign in'), el('p', {}, text))));

if (!access.ok) showProblem(access.problem);
else {
  fetchClientConfig()
    .then((config) => startRiderPage(container, config, access.riderId, access.token))
    .catch((err: unknown) => {
      console.error('could not load the client configuration', err);
      showProblem('The app cannot start: its configuration did not load. Reload the page in a moment.');
    });
}
