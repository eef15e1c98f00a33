import { describe, expect, it } from '@jest/globals';
import { topics } from '@orderpulse/contracts';
import { createRateLimitedLog } from '@orderpulse/service-kit';
import { createRiderMessageHandler } from '../src/ingest/rider-message-handler.js';
import { captureLogger } from './support/capture-logger.js';
import { at } from './support/factories.js';
import { assignedTo, storedDelivery, storedRider } from './support/stored.js';
import { testDeps } from './support/use-case-deps.js';

/** The handler with a 10-lines-a-second log on a clock that stands still, so the budget never refills mid-test. */
function handlerUnderTest() {
  const log = captureLogger('info');
  const deps = testDeps({ logger: log.logger, now: new Date(at(1)) });
  const reportLog = createRateLimitedLog({ logger: log.logger, linesPerSecond: 10, now: () => 0 });
  const lines = (msg: string) => log.lines.filter((l) => l.msg === msg);
  return { deps, reportLog, lines, handle: createRiderMessageHandler(deps, { log: reportLog }) };
}

describe('the log of a rider flooding reports', () => {
  it('when a rider with nothing in progress sends 200 positions at once, then every one is refused but only 10 are logged, and one line sums up the rest', async () => {
    const { deps, reportLog, lines, handle } = handlerUnderTest();
    const rider = await storedRider(deps.store);
    const position = Buffer.from(JSON.stringify({ lat: 51.45, lng: -2.59, at: at(0) }));

    const outcomes = await Promise.all(Array.from({ length: 200 }, () => handle(topics.riderLocation(rider.id), position)));
    reportLog.flush();

    expect(outcomes.filter((o) => o.result === 'refused')).toHaveLength(200);
    expect(lines('rider report refused')).toHaveLength(10);
    expect(lines('rider report refused')[0]).toMatchObject({ riderId: rider.id, kind: 'location', result: 'refused' });
    expect(lines('suppressed log lines')).toEqual([expect.objectContaining({ reason: 'refused', suppressed: 190 })]);
  });

  it('when a rider repeats a status report it already sent 50 times, then each is ignored but only 10 are logged; a refusal of another kind still gets its line', async () => {
    const { deps, reportLog, lines, handle } = handlerUnderTest();
    const rider = await storedRider(deps.store);
    const delivery = await storedDelivery(deps.store, assignedTo(rider));
    const report = Buffer.from(JSON.stringify({ status: 'picked_up', at: at(0) }));
    const statusTopic = topics.riderDeliveryStatus(rider.id, delivery.id);
    expect((await handle(statusTopic, report)).result).toBe('applied');

    const repeats = await Promise.all(Array.from({ length: 50 }, () => handle(statusTopic, report)));
    const future = await handle(statusTopic, Buffer.from(JSON.stringify({ status: 'in_transit', at: '2099-01-01T00:00:00.000Z' })));
    reportLog.flush();

    expect(repeats.filter((o) => o.result === 'duplicate')).toHaveLength(50);
    expect(lines('rider status report ignored')).toHaveLength(10);
    expect(future.result).toBe('refused_future');
    expect(lines('rider report refused')).toEqual([expect.objectContaining({ result: 'refused_future', deliveryId: delivery.id })]);
    expect(lines('suppressed log lines')).toEqual([expect.objectContaining({ reason: 'ignored', suppressed: 40 })]);
  });
});
