import { riderAssignmentsMessageSchema, topics, type RiderAssignmentsMessage } from '@orderpulse/contracts';
import { ApiClient, ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import type { ClientConfig } from '../shared/client-config.js';
import { createConnectionIndicator } from '../shared/connection-indicator.js';
import { DeliveryApi } from '../shared/delivery-api.js';
import { el, problemBox } from '../shared/dom.js';
import { openLiveConnection } from '../shared/live-connection.js';
import type { StorageLike } from '../shared/url-token.js';
import { cacheAssignments, readCachedAssignments } from './assignments-cache.js';
import { createAssignmentsView } from './assignments-view.js';
import type { Assignment } from './delivery-card.js';
import { DeviceLocation } from './device-location.js';
import { RiderHeartbeat } from './heartbeat.js';
import { IndexedDbOutboxStorage } from './indexeddb-outbox-storage.js';
import { createLocationView } from './location-view.js';
import { createNextStopView } from './next-stop-view.js';
import { OutboxSender } from './outbox-sender.js';
import { MemoryOutboxStorage, ReportOutbox, type OutboxStorage } from './report-outbox.js';
import { createRideView, type RideTarget } from './ride-view.js';
import { RiderReporting } from './rider-reporting.js';
import { createWaitingView } from './waiting-view.js';

const NOT_ACCEPTED = 'This sign-in is no longer accepted. Ask your dispatcher for a new link; reports waiting on this phone are sent once you sign in again.';
const NO_STORAGE = 'This browser cannot keep reports on the phone (private mode?): keep the app open until they are sent.';

export interface RiderIdentity {
  riderId: string;
  name: string | undefined;
  token: string;
}

async function openOutboxStorage(problem: (text: string) => void): Promise<OutboxStorage> {
  try {
    return await IndexedDbOutboxStorage.open();
  } catch (err) {
    console.warn(`reports are kept in memory only: ${(err as Error).message}`);
    problem(NO_STORAGE);
    return new MemoryOutboxStorage();
  }
}

/** The next stop: the first delivery on its way, else the first waiting to be picked up. */
function nextStop(deliveries: readonly Assignment[], reporting: RiderReporting): Assignment | undefined {
  const carrying = deliveries.find((d) => ['picked_up', 'in_transit'].includes(reporting.statusOf(d)));
  return carrying ?? deliveries.find((d) => reporting.statusOf(d) === 'assigned');
}

/**
 * The rider's app: open deliveries (live, and from the last visit while offline), progress
 * reports and the device's location, all kept on the phone until sent, a map of the next stop
 * and a demo ride.
 */
export async function startRiderPage(
  container: HTMLElement,
  config: ClientConfig,
  rider: RiderIdentity,
  storage: StorageLike | undefined,
  signOut: () => void,
): Promise<void> {
  const { riderId, token } = rider;
  const connection = createConnectionIndicator();
  const problem = problemBox('rider-error');
  const api = new DeliveryApi(new ApiClient({ baseUrl: config.deliveryUrl, token: () => token }));
  const outbox = new ReportOutbox(await openOutboxStorage((text) => problem.show(text)), riderId);
  await outbox.load();
  // Opened after the awaits above, so none of its events can pass before the listeners below exist.
  const live = openLiveConnection({ url: config.mqttWsUrl, role: 'rider', token, clientIdPrefix: 'rider' });
  const sender = new OutboxSender({ outbox, publish: (topic, payload) => live.publish(topic, payload), isLive: () => live.state === 'live' });
  const device = new DeviceLocation();
  const reporting = new RiderReporting({ riderId, outbox, sender, device });
  let latest: RiderAssignmentsMessage | undefined;
  // While a delivery is open: "still here" every 10 s, so customers see how fresh the signal is.
  const heartbeat = new RiderHeartbeat({
    send: (payload) => live.publish(topics.riderHeartbeat(riderId), payload),
    active: () => (latest?.deliveries.length ?? 0) > 0,
    live: () => live.state === 'live',
  });
  let target: RideTarget | undefined;

  const ride = createRideView(reporting.simulator);
  const waiting = createWaitingView();
  const location = createLocationView();
  const next = createNextStopView(config.map);
  const assignments = createAssignmentsView({
    report: (delivery, status, note) => reporting.reportStatus(delivery, status, note),
    enterPin: async (delivery, pin) => void (await api.enterPin(delivery.deliveryId, pin)),
    uploadProof: async (delivery, kind, image) => void (await api.uploadProof(delivery.deliveryId, kind, image)),
    rideTo(delivery) {
      const { lat, lng } = delivery.address;
      if (lat === undefined || lng === undefined) return;
      target = { lat, lng, deliveryId: delivery.deliveryId, orderNumber: delivery.orderNumber };
      reporting.simulator.start(target);
    },
  });

  const render = () => {
    const deliveries = latest?.deliveries;
    assignments.render(
      deliveries?.map((delivery) => ({ delivery, status: reporting.statusOf(delivery), reported: reporting.reportedFor(delivery.deliveryId) })),
    );
    waiting.render(outbox.waiting, live.state === 'live');
    location.render({ status: device.status, carrying: reporting.isCarrying(), demoRide: reporting.simulator.running });
    const stop = deliveries ? nextStop(deliveries, reporting) : undefined;
    next.render(stop ? { delivery: stop, position: reporting.position } : undefined);
    ride.render(target);
  };
  reporting.on('changed', render);

  /** Assignments arrive over HTTP and MQTT (and from the last visit); the newer list wins. */
  const show = (message: RiderAssignmentsMessage) => {
    if (message.riderId !== riderId) return;
    if (latest && Date.parse(message.updatedAt) < Date.parse(latest.updatedAt)) return;
    latest = message;
    cacheAssignments(storage, message);
    reporting.setAssignments(message.deliveries);
    heartbeat.kick();
  };

  const signOutButton = el('button', { type: 'button', class: 'secondary', 'data-testid': 'sign-out' }, 'Sign out');
  container.replaceChildren(
    el(
      'main',
      { class: 'page' },
      el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · rider'), el('div', { class: 'row' }, connection.element, signOutButton)),
      el('p', { class: 'muted small', 'data-testid': 'rider-name' }, rider.name ? `Signed in as ${rider.name}` : 'Signed in'),
      problem.element,
      waiting.element,
      location.element,
      next.element,
      ride.element,
      assignments.element,
    ),
  );

  const stopAll = (text: string) => {
    reporting.simulator.stop();
    heartbeat.stop();
    device.stop();
    void live.close();
    connection.show('offline');
    problem.show(text);
  };
  signOutButton.addEventListener('click', () => {
    stopAll('Signed out.');
    signOut();
  });
  live.on('state', (state) => {
    connection.show(state);
    if (state === 'live') sender.kick();
    heartbeat.kick();
    render();
  });
  connection.show(live.state);
  live.on('refused', () => stopAll(NOT_ACCEPTED));
  live.on('denied', (topic) => problem.show(`The broker refused ${topic}.`));
  live.subscribe({ topic: topics.riderAssignments(riderId), schema: riderAssignmentsMessageSchema, versionOf: () => undefined, onMessage: show });

  const cached = readCachedAssignments(storage, riderId);
  if (cached) show(cached);
  render();
  device.start();
  api
    .assignments(riderId)
    .then(show)
    .catch((err: unknown) => {
      if (err instanceof ApiError && err.isAccessDenied) stopAll(NOT_ACCEPTED);
      else console.warn(`could not load the assignments: ${describeApiError(err)}`);
    });
}
