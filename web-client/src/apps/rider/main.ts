import '../shared/zod-without-eval.js';
import './styles.css';
import { fetchClientConfig } from '../shared/client-config.js';
import { appContainer, el } from '../shared/dom.js';
import { localStorageOrUndefined } from '../shared/url-token.js';
import { forgetAssignments } from './assignments-cache.js';
import { registerServiceWorker } from './register-service-worker.js';
import { RiderSession } from './rider-session.js';
import { startRiderPage } from './rider-page.js';

const container = appContainer();
const storage = localStorageOrUndefined();
const session = new RiderSession({ location: window.location, history: window.history, storage });
const access = session.open();
registerServiceWorker();

const showProblem = (title: string, text: string) =>
  container.replaceChildren(
    el(
      'main',
      { class: 'page' },
      el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · rider')),
      el('section', { class: 'card', role: 'alert', 'data-testid': 'rider-access-error' }, el('h1', { class: 'title' }, title), el('p', {}, text)),
    ),
  );

if (!access.ok) showProblem('Cannot sign in', access.problem);
else {
  const signOut = () => {
    session.signOut();
    forgetAssignments(storage, access.riderId);
    showProblem('Signed out', 'Open your sign-in link again to continue. Reports still waiting on this phone are sent when you do.');
  };
  fetchClientConfig()
    .then((config) => startRiderPage(container, config, access, storage, signOut))
    .catch((err: unknown) => {
      console.error('the rider app could not start', err);
      showProblem('Cannot start', 'The app cannot start: its configuration did not load. Reload the page in a moment.');
    });
}
