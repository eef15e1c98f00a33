import { topics, type DeliveryStatus, type LatLng, type RiderReportedStatus } from '@orderpulse/contracts';
import type { Timers } from '../shared/timers.js';
import { TypedEmitter } from '../shared/typed-emitter.js';
import type { Assignment } from './delivery-card.js';
import type { DeviceLocation, Fix } from './device-location.js';
import { LocationReporter } from './location-reporter.js';
import type { OutboxSender } from './outbox-sender.js';
import type { ReportOutbox } from './report-outbox.js';
import { RideSimulator } from './ride-simulator.js';

/** A status the rider reported that the assignments do not show yet. */
export interface ReportedStatus {
  status: RiderReportedStatus;
  reportId: string;
  /** Acknowledged by the broker; until then it waits on the device. */
  sent: boolean;
  at: string;
}

const RANK: Readonly<Record<DeliveryStatus, number>> = { awaiting_assignment: 0, assigned: 1, picked_up: 2, in_transit: 3, delivered: 4, failed: 4 };
const CARRYING: ReadonlySet<DeliveryStatus> = new Set(['picked_up', 'in_transit']);
/** A position older than this is not sent along with a status report. */
const FRESH_POSITION_MS = 2 * 60_000;

export interface RiderReportingOptions {
  riderId: string;
  outbox: ReportOutbox;
  sender: OutboxSender;
  device: DeviceLocation;
  now?: () => number;
  timers?: Timers;
}

/**
 * What the rider reports and how: statuses from the buttons and positions from the device (or
 * the demo ride) all go into the outbox, which keeps them on the device and sends them in order.
 * The rider sees a reported status at once, whether or not it has been sent yet.
 */
export class RiderReporting extends TypedEmitter<{ changed: [] }> {
  readonly simulator: RideSimulator;
  private readonly reporter: LocationReporter;
  private readonly reported = new Map<string, ReportedStatus>();
  private deliveries: readonly Assignment[] = [];
  private readonly now: () => number;

  constructor(private readonly options: RiderReportingOptions) {
    super();
    this.now = options.now ?? (() => Date.now());
    const { outbox, sender, device } = options;
    this.reporter = new LocationReporter({
      isCarrying: () => this.isCarrying() && !this.simulator.running,
      report: (fix) => void this.queuePosition(fix),
      now: this.now,
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.simulator = new RideSimulator({
      publish: (position) => void this.queuePosition(position),
      onChange: () => this.emit('changed'),
      now: this.now,
      ...(options.timers ? { timers: options.timers } : {}),
    });
    device.on('status', (status) => {
      if (status.state === 'ok') this.reporter.offer(status.fix);
      this.emit('changed');
    });
    outbox.on('changed', () => {
      sender.kick();
      this.emit('changed');
    });
    sender.on('sent', (report) => {
      if (report.kind !== 'status') return;
      const reported = this.reported.get(report.deliveryId);
      if (reported?.reportId === report.id) reported.sent = true;
      this.emit('changed');
    });
    // Reports waiting from before a reload show as reported, and the newest position waiting is
    // not reported again when the device finds the rider still there.
    for (const waiting of outbox.waiting) {
      if (waiting.kind === 'status')
        this.reported.set(waiting.deliveryId, { status: waiting.payload.status, reportId: waiting.id, sent: false, at: waiting.payload.at });
      else this.reporter.alreadySent(waiting.payload, Date.parse(waiting.payload.at));
    }
  }

  /** The newest assignments; a reported status they now show is no longer pending. */
  setAssignments(deliveries: readonly Assignment[]): void {
    this.deliveries = deliveries;
    for (const [deliveryId, reported] of this.reported) {
      const delivery = deliveries.find((d) => d.deliveryId === deliveryId);
      if (reported.sent && (!delivery || RANK[delivery.status] >= RANK[reported.status])) this.reported.delete(deliveryId);
    }
    if (this.simulator.running && !deliveries.some((d) => CARRYING.has(this.statusOf(d)))) this.simulator.stop();
    this.emit('changed');
  }

  /** The status as the rider knows it: the one they reported, until the assignments catch up. */
  statusOf(delivery: Assignment): DeliveryStatus {
    const reported = this.reported.get(delivery.deliveryId);
    return reported && RANK[reported.status] > RANK[delivery.status] ? reported.status : delivery.status;
  }

  reportedFor(deliveryId: string): ReportedStatus | undefined {
    return this.reported.get(deliveryId);
  }

  /** Where the rider is: the demo ride's position while it runs, else the device's newest fix. */
  get position(): (LatLng & { at: string }) | undefined {
    return this.simulator.running ? this.simulator.position : (this.options.device.fix ?? this.simulator.position);
  }

  isCarrying(): boolean {
    return this.deliveries.some((d) => CARRYING.has(this.statusOf(d)));
  }

  async reportStatus(delivery: Assignment, status: RiderReportedStatus, note?: string): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const position = this.position;
    const fresh = position && this.now() - Date.parse(position.at) < FRESH_POSITION_MS ? position : undefined;
    const waiting = await this.options.outbox.add({
      kind: 'status',
      topic: topics.riderDeliveryStatus(this.options.riderId, delivery.deliveryId),
      deliveryId: delivery.deliveryId,
      orderNumber: delivery.orderNumber,
      payload: { status, at, ...(note ? { note } : {}), ...(fresh ? { lat: fresh.lat, lng: fresh.lng } : {}) },
    });
    if (fresh) this.reporter.alreadySent(fresh);
    this.reported.set(delivery.deliveryId, { status, reportId: waiting.id, sent: false, at });
    this.emit('changed');
  }

  private async queuePosition(position: Fix | (LatLng & { heading?: number; at: string })): Promise<void> {
    const { lat, lng, heading, at } = position;
    await this.options.outbox
      .add({ kind: 'location', topic: topics.riderLocation(this.options.riderId), payload: { lat, lng, ...(heading !== undefined ? { heading } : {}), at } })
      .catch((err: unknown) => console.warn(`position not kept: ${(err as Error).message}`));
  }
}
