import { riderAssignmentsMessageSchema, topics, type RiderAssignmentsMessage, type RiderReportedStatus } from '@orderpulse/contracts';
import { ApiClient, ApiError } from '../shared/api-client.js';
import { describeApiError } from '../shared/api-error-text.js';
import type { ClientConfig } from '../shared/client-config.js';
import { createConnectionIndicator } from '../shared/connection-indicator.js';
import { DeliveryApi } from '../shared/delivery-api.js';
import { el, problemBox } from '../shared/dom.js';
import { openLiveConnection } from '../shared/live-connection.js';
import { createAssignmentsView } from './assignments-view.js';
import type { Assignment } from './delivery-card.js';
import { RideSimulator } from './ride-simulator.js';
import { createRideView, type RideTarget } from './ride-view.js';

const NOT_ACCEPTED = 'This rider link is no longer accepted. Ask your dispatcher for a new one.';

/** The rider's app: open deliveries (live), progress reports and an optional simulated ride. */
export function startRiderPage(container: HTMLElement, config: ClientConfig, riderId: string, token: string): void {
  const connection = createConnectionIndicator();
  const problem = problemBox('rider-error');
  const live = openLiveConnection({ url: config.mqttWsUrl, role: 'rider', token, clientIdPrefix: 'rider' });
  const api = new DeliveryApi(new ApiClient({ baseUrl: config.deliveryUrl, token: () => token }));
  let latest: RiderAssignmentsMessage | undefined;
  let target: RideTarget | undefined;

  const simulator = new RideSimulator({
    publish: (report) => void live.publish(topics.riderLocation(riderId), report).catch((err: unknown) => problem.show(`Position not sent: ${(err as Error).message}`)),
    onChange: () => ride.render(target),
  });
  const ride = createRideView(simulator);
  const assignments = createAssignmentsView({
    report(deliveryId: string, status: RiderReportedStatus, note?: string) {
      const position = simulator.position;
      return live.publish(topics.riderDeliveryStatus(riderId, deliveryId), {
        status,
        at: new Date().toISOString(),
        ...(note ? { note } : {}),
        ...(position ? { lat: position.lat, lng: position.lng } : {}),
      });
    },
    rideTo(delivery: Assignment) {
      const { lat, lng } = delivery.address;
      if (lat === undefined || lng === undefined) return;
      target = { lat, lng, deliveryId: delivery.deliveryId, orderNumber: delivery.orderNumber };
      simulator.start(target);
    },
  });

  /** Assignments arrive over HTTP and MQTT; the newer list wins. */
  const show = (message: RiderAssignmentsMessage) => {
    if (message.riderId !== riderId) return;
    if (latest && Date.parse(message.updatedAt) < Date.parse(latest.updatedAt)) return;
    latest = message;
    assignments.render(message.deliveries);
    // The delivery ridden to was delivered, failed or taken away: the ride ends.
    if (simulator.running && !message.deliveries.some((d) => d.deliveryId === target?.deliveryId)) simulator.stop();
  };

  container.replaceChildren(el('main', { class: 'page' },
    el('header', { class: 'bar' }, el('span', { class: 'brand' }, 'orderpulse · rider'), connection.element),
    el('p', { class: 'muted small', 'data-testid': 'rider-id' }, `Signed in as rider ${riderId}`),
    problem.element,
    ride.element,
    assignments.element,
  ));

  const stopAll = (text: string) => {
    simulator.stop();
    void live.close();
    connection.show('offline');
    problem.show(text);
  };
  live.on('state', (state) => connection.show(state));
  live.on('refused', () => stopAll(NOT_ACCEPTED));
  live.on('denied', (topic) => problem.show(`The broker refused ${topic}.`));
  live.subscribe({ topic: topics.riderAssignments(riderId), schema: riderAssignmentsMessageSchema, versionOf: () => undefined, onMessage: show });
  api.assignments(riderId).then(show).catch((err: unknown) => {
    if (err instanceof ApiError && err.isAccessDenied) stopAll(NOT_ACCEPTED);
    else console.warn(`could not load the assignments: ${describeApiError(err)}`);
  });
}
