import type { RiderLocationReport, RiderReportedStatus, RiderStatusReport } from '@orderpulse/contracts';
import { TypedEmitter } from '../shared/typed-emitter.js';

/** A report kept on the device until the broker has acknowledged it. */
export type WaitingReport =
  | (WaitingBase & { kind: 'status'; deliveryId: string; orderNumber: string; payload: RiderStatusReport & { status: RiderReportedStatus } })
  | (WaitingBase & { kind: 'location'; payload: RiderLocationReport });

interface WaitingBase {
  /** Also the report's `reportId`: delivery-service applies each id once. */
  id: string;
  /** Order of creation; reports are sent in this order. */
  seq: number;
  riderId: string;
  topic: string;
}

/** Where waiting reports live: IndexedDB on a device, memory in tests. */
export interface OutboxStorage {
  /** The rider's reports, oldest first. */
  list(riderId: string): Promise<WaitingReport[]>;
  put(report: WaitingReport): Promise<void>;
  delete(id: string): Promise<void>;
}

/**
 * How many reports may wait on the device. Positions beyond it make room by dropping the oldest
 * waiting position (a later one says more); statuses are never dropped, and there are only a
 * few per delivery.
 */
export const MAX_WAITING = 500;

export type NewReport =
  | { kind: 'status'; topic: string; deliveryId: string; orderNumber: string; payload: Omit<RiderStatusReport, 'reportId'> & { status: RiderReportedStatus } }
  | { kind: 'location'; topic: string; payload: Omit<RiderLocationReport, 'reportId'> };

export interface OutboxEvents extends Record<string, unknown[]> {
  changed: [];
  /** A position dropped to stay within MAX_WAITING. */
  dropped: [report: WaitingReport];
}

/**
 * The rider's reports in the order they were made, kept until sent. Every report gets an id
 * (sent as `reportId`) so a report sent twice (an acknowledgement lost, the app reloaded while
 * it was in flight) is applied once by delivery-service.
 */
export class ReportOutbox extends TypedEmitter<OutboxEvents> {
  private reports: WaitingReport[] = [];
  private lastSeq = 0;

  constructor(
    private readonly storage: OutboxStorage,
    private readonly riderId: string,
    private readonly newId: () => string = () => crypto.randomUUID(),
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
  }

  /** What was waiting from before (a reload, the app closed offline). */
  async load(): Promise<void> {
    this.reports = await this.storage.list(this.riderId);
    this.lastSeq = Math.max(0, ...this.reports.map((r) => r.seq));
    this.emit('changed');
  }

  get waiting(): readonly WaitingReport[] {
    return this.reports;
  }

  get first(): WaitingReport | undefined {
    return this.reports[0];
  }

  /** Stores the report, then lists it; resolves with it once it would survive a reload. */
  async add(report: NewReport): Promise<WaitingReport> {
    if (this.reports.length >= MAX_WAITING) {
      const oldestPosition = this.reports.find((r) => r.kind === 'location');
      if (!oldestPosition) throw new Error(`${MAX_WAITING} reports are already waiting to be sent`);
      await this.remove(oldestPosition.id);
      this.emit('dropped', oldestPosition);
    }
    const id = this.newId();
    this.lastSeq = Math.max(this.now(), this.lastSeq + 1);
    const waiting = { ...report, id, seq: this.lastSeq, riderId: this.riderId, payload: { ...report.payload, reportId: id } } as WaitingReport;
    await this.storage.put(waiting);
    this.reports.push(waiting);
    this.emit('changed');
    return waiting;
  }

  async remove(id: string): Promise<void> {
    await this.storage.delete(id);
    const before = this.reports.length;
    this.reports = this.reports.filter((r) => r.id !== id);
    if (this.reports.length !== before) this.emit('changed');
  }
}

/** Keeps reports for as long as the page lives: where IndexedDB is unavailable, and in tests. */
export class MemoryOutboxStorage implements OutboxStorage {
  private readonly reports = new Map<string, WaitingReport>();

  list(riderId: string): Promise<WaitingReport[]> {
    return Promise.resolve([...this.reports.values()].filter((r) => r.riderId === riderId).sort((a, b) => a.seq - b.seq));
  }

  put(report: WaitingReport): Promise<void> {
    this.reports.set(report.id, report);
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.reports.delete(id);
    return Promise.resolve();
  }
}
