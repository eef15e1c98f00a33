import { describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { OutboxSender } from '../src/apps/rider/outbox-sender.js';
import { MAX_WAITING, MemoryOutboxStorage, ReportOutbox, type NewReport, type WaitingReport } from '../src/apps/rider/report-outbox.js';
import { describeWaiting } from '../src/apps/rider/waiting-view.js';
import { FakeTimers, flush } from './support/fake-timers.js';

const RIDER = 'rider-rosa';
const DELIVERY = '3f1c8a52-9a7e-4a31-9a55-2d6b1f1e8c11';

const status = (s: 'picked_up' | 'in_transit', at = '2026-11-26T11:00:00.000Z'): NewReport => ({
  kind: 'status',
  topic: topics.riderDeliveryStatus(RIDER, DELIVERY),
  deliveryId: DELIVERY,
  orderNumber: 'OP-7K2M9Q',
  payload: { status: s, at },
});
const position = (lat: number, at = '2026-11-26T11:01:00.000Z'): NewReport => ({
  kind: 'location',
  topic: topics.riderLocation(RIDER),
  payload: { lat, lng: -2.59, at },
});

function anOutbox(storage = new MemoryOutboxStorage()) {
  let n = 0;
  let clock = 1_000;
  return {
    storage,
    outbox: new ReportOutbox(
      storage,
      RIDER,
      () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      () => clock,
    ),
    tick: () => (clock += 1),
  };
}

/** A broker the test answers by hand: each publish waits until acked or failed. */
class FakeBroker {
  live = true;
  readonly published: Array<{ topic: string; payload: unknown; ack(): void; fail(error: Error): void }> = [];
  publish = (topic: string, payload: unknown) =>
    new Promise<void>((resolve, reject) => {
      this.published.push({ topic, payload, ack: resolve, fail: reject });
    });
}

describe('ReportOutbox', () => {
  it('when reports are added, then each gets an id (also its reportId), they keep their order and survive a reload', async () => {
    const { outbox, storage } = anOutbox();
    await outbox.add(status('picked_up'));
    await outbox.add(position(51.1));
    await outbox.add(position(51.2));
    expect(outbox.waiting.map((r) => [r.kind, r.payload.reportId === r.id])).toEqual([
      ['status', true],
      ['location', true],
      ['location', true],
    ]);

    const reloaded = new ReportOutbox(storage, RIDER);
    await reloaded.load();
    expect(reloaded.waiting).toEqual(outbox.waiting);
    const other = new ReportOutbox(storage, 'rider-nikola');
    await other.load();
    expect(other.waiting).toEqual([]);
  });

  it('when the clock goes backwards, then later reports still sort after earlier ones', async () => {
    const storage = new MemoryOutboxStorage();
    let clock = 5_000;
    const outbox = new ReportOutbox(
      storage,
      RIDER,
      () => crypto.randomUUID(),
      () => clock,
    );
    const first = await outbox.add(position(51.1));
    clock = 1_000;
    const second = await outbox.add(position(51.2));
    expect(second.seq).toBeGreaterThan(first.seq);
  });

  it(`when ${MAX_WAITING} reports wait, then a new position drops the oldest position and statuses are never dropped`, async () => {
    const { outbox } = anOutbox();
    await outbox.add(status('picked_up'));
    for (let i = 0; i < MAX_WAITING - 1; i += 1) await outbox.add(position(50 + i / 1000));
    const dropped: WaitingReport[] = [];
    outbox.on('dropped', (r) => dropped.push(r));

    await outbox.add(position(51.999));

    expect(outbox.waiting).toHaveLength(MAX_WAITING);
    expect(outbox.waiting[0]?.kind).toBe('status');
    expect(dropped.map((r) => r.payload)).toEqual([expect.objectContaining({ lat: 50 })]);
    expect(outbox.waiting.at(-1)?.payload).toMatchObject({ lat: 51.999 });
  });

  it(`when ${MAX_WAITING} statuses wait, then one more is refused rather than dropping a status`, async () => {
    const { outbox } = anOutbox();
    for (let i = 0; i < MAX_WAITING; i += 1) await outbox.add(status('picked_up'));
    await expect(outbox.add(status('in_transit'))).rejects.toThrow(`${MAX_WAITING} reports are already waiting`);
  });
});

describe('OutboxSender', () => {
  it('when connected, then reports go one at a time, oldest first, each after the previous acknowledgement', async () => {
    const { outbox } = anOutbox();
    const broker = new FakeBroker();
    const sender = new OutboxSender({ outbox, publish: broker.publish, isLive: () => broker.live, timers: new FakeTimers() });
    const sent: string[] = [];
    sender.on('sent', (r) => sent.push(r.kind));
    await outbox.add(status('picked_up'));
    await outbox.add(position(51.1));
    sender.kick();
    await flush();
    expect(broker.published).toHaveLength(1);
    expect(broker.published[0]?.payload).toMatchObject({ status: 'picked_up', reportId: outbox.waiting[0]?.id });

    broker.published[0]?.ack();
    await flush();
    expect(broker.published).toHaveLength(2);
    expect(outbox.waiting).toHaveLength(1);
    broker.published[1]?.ack();
    await flush();
    expect(outbox.waiting).toEqual([]);
    expect(sent).toEqual(['status', 'location']);
  });

  it('when offline, then nothing is published and everything waits; when kicked after coming back, it all goes in order', async () => {
    const { outbox } = anOutbox();
    const broker = new FakeBroker();
    broker.live = false;
    const sender = new OutboxSender({ outbox, publish: broker.publish, isLive: () => broker.live, timers: new FakeTimers() });
    for (const report of [status('picked_up'), position(51.1), position(51.2), position(51.3)]) {
      await outbox.add(report);
      sender.kick();
    }
    await flush();
    expect(broker.published).toEqual([]);

    broker.live = true;
    sender.kick();
    for (let i = 0; i < 4; i += 1) {
      await flush();
      broker.published[i]?.ack();
    }
    await flush();
    expect(broker.published.map((p) => (p.payload as { status?: string; lat?: number }).status ?? (p.payload as { lat: number }).lat)).toEqual([
      'picked_up',
      51.1,
      51.2,
      51.3,
    ]);
    expect(outbox.waiting).toEqual([]);
  });

  it('when a publish fails or is not acknowledged in time, then the report stays first and is sent again, with the same id', async () => {
    const { outbox } = anOutbox();
    const broker = new FakeBroker();
    const timers = new FakeTimers();
    const sender = new OutboxSender({ outbox, publish: broker.publish, isLive: () => broker.live, timers, ackTimeoutMs: 10_000, retryMs: 3_000 });
    const failures: string[] = [];
    sender.on('failed', (_r, error) => failures.push(error.message));
    await outbox.add(status('picked_up'));
    sender.kick();
    await flush();
    broker.published[0]?.fail(new Error('client disconnecting'));
    await flush();
    timers.advance(3_000);
    await flush();
    timers.advance(10_000);
    await flush();
    timers.advance(3_000);
    await flush();
    broker.published[2]?.ack();
    await flush();

    expect(failures).toEqual(['client disconnecting', 'no acknowledgement within 10000 ms']);
    expect(new Set(broker.published.map((p) => (p.payload as { reportId: string }).reportId)).size).toBe(1);
    expect(outbox.waiting).toEqual([]);
  });
});

describe('what the rider sees waiting', () => {
  it('when statuses and positions wait, then positions in a row read as one line', async () => {
    const { outbox } = anOutbox();
    await outbox.add(status('picked_up', '2026-11-26T11:00:00.000Z'));
    await outbox.add(position(51.1, '2026-11-26T11:01:00.000Z'));
    await outbox.add(position(51.2, '2026-11-26T11:02:00.000Z'));
    await outbox.add(status('in_transit', '2026-11-26T11:03:00.000Z'));
    await outbox.add(position(51.3, '2026-11-26T11:04:00.000Z'));
    const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(describeWaiting(outbox.waiting)).toEqual([
      `Picked up · OP-7K2M9Q (${clock('2026-11-26T11:00:00.000Z')})`,
      `2 positions (${clock('2026-11-26T11:01:00.000Z')}–${clock('2026-11-26T11:02:00.000Z')})`,
      `On the way · OP-7K2M9Q (${clock('2026-11-26T11:03:00.000Z')})`,
      `Position (${clock('2026-11-26T11:04:00.000Z')})`,
    ]);
  });
});
