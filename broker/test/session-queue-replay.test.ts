import { describe, expect, it } from '@jest/globals';
import { createSessionQueueReplay, type SessionClient } from '../src/delivery/session-queue-replay.js';
import { captureLogger } from './helpers/capture-logger.js';

function client(id: string, fields: Partial<SessionClient>): SessionClient & { closedTimes: number } {
  const made = {
    id,
    clean: false,
    connected: true,
    subscriptions: { 'riders/+/location': { qos: 1 } },
    closedTimes: 0,
    close() {
      made.closedTimes += 1;
    },
    ...fields,
  };
  return made;
}

describe('closing persistent sessions so that their queues are replayed', () => {
  it('when the subscription comes back, then only connected persistent sessions with a QoS 1 subscription are closed, each once, and it is counted and logged', () => {
    const log = captureLogger('info');
    const counted: number[] = [];
    const clients = {
      ingest: client('service:delivery-service:rider-ingest', {}),
      clean: client('customer:a:browser', { clean: true }),
      offline: client('service:delivery-service:old', { connected: false }),
      receiptsOnly: client('service:delivery-service:receipts', { subscriptions: { 'admin/receipts/+': { qos: 0 } } }),
    };
    const replay = createSessionQueueReplay({ aedes: { clients }, logger: log.logger, onReplayed: (n) => counted.push(n) });

    expect(replay()).toBe(1);
    expect(Object.entries(clients).map(([name, c]) => [name, c.closedTimes])).toEqual([
      ['ingest', 1],
      ['clean', 0],
      ['offline', 0],
      ['receiptsOnly', 0],
    ]);
    expect(counted).toEqual([1]);
    expect(log.lines.find((line) => String(line.msg).startsWith('redis subscription restored: persistent sessions closed'))).toMatchObject({
      sessions: ['service:delivery-service:rider-ingest'],
    });
  });

  it('when no session qualifies, then nothing is closed and nothing is logged', () => {
    const log = captureLogger('info');
    const replay = createSessionQueueReplay({ aedes: { clients: { clean: client('customer:a:browser', { clean: true }) } }, logger: log.logger });
    expect(replay()).toBe(0);
    expect(log.lines).toEqual([]);
  });
});
