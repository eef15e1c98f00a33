import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import { ALL_LABELS, expectedRow, PERSONAS, type TopicLabel } from './helpers/access-table.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { isAllowed, observedRow, publishRow, renderMatrix, subscribeRow, type CellResult, type RowResult } from './helpers/matrix-runner.js';
import type { Persona } from './helpers/personas.js';
import type { TransportName } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

/**
 * Every persona tries to subscribe to and publish on every topic class over real sockets, and
 * the observed rights must equal the hand-written table in helpers/access-table.ts.
 */
function describeMatrix(transport: TransportName, personas: readonly Persona[], labels: readonly TopicLabel[]) {
  describe(`the access matrix over ${transport}`, () => {
    let broker: TestBroker;
    let log: CapturedLogger;
    let cells: CellResult[];
    let rows: Map<Persona, RowResult>;

    beforeAll(async () => {
      log = captureLogger('warn');
      // Every refusal line is asserted below: the log budget per reason is lifted out of the way (test/refusal-log.test.ts covers it).
      broker = await startTestBroker(log.logger, { REFUSAL_LOG_LINES_PER_SECOND: 10_000 });
      const subscribed = await Promise.all(personas.map(async (p) => [p, await subscribeRow(broker, transport, p, labels)] as const));
      rows = new Map(subscribed);
      const published = await Promise.all(personas.map((p) => publishRow(broker, transport, p, labels)));
      cells = [...subscribed.flatMap(([, row]) => row.cells), ...published.flat()];
      const allowed = cells.filter(isAllowed).length;
      process.stdout.write(
        `\n[access matrix, ${transport}] ${cells.length} cells = ${personas.length} roles × ${labels.length} topics × 2 operations: ` +
          `${allowed} allowed, ${cells.length - allowed} denied\n${renderMatrix(cells, personas, labels)}\n`,
      );
    });
    afterAll(async () => broker.close());

    it('then every cell was tried', () => {
      expect(cells).toHaveLength(personas.length * labels.length * 2);
    });

    it.each(personas)('then %s may do exactly what the table says', (persona) => {
      expect(observedRow(cells, persona, labels)).toEqual(expectedRow(persona, labels));
    });

    it('then every anonymous attempt was answered CONNACK 5 (not authorized)', () => {
      const anonymous = cells.filter((c) => c.persona === 'anonymous');
      expect(anonymous.length).toBeGreaterThan(0);
      expect(new Set(anonymous.map((c) => c.outcome))).toEqual(new Set(['connack-5']));
    });

    it('then every refused subscription was answered SUBACK 128 and its client stayed connected', () => {
      const refused = cells.filter((c) => c.op === 'subscribe' && c.persona !== 'anonymous' && !isAllowed(c));
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused.map((c) => c.outcome))).toEqual(new Set(['suback-128']));
      for (const persona of personas.filter((p) => p !== 'anonymous'))
        expect([persona, rows.get(persona)?.stillConnectedAfterSubscribes]).toEqual([persona, true]);
    });

    it('then every refused publish closed the connection without a PUBACK', () => {
      const refused = cells.filter((c) => c.op === 'publish' && c.persona !== 'anonymous' && !isAllowed(c));
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused.map((c) => c.outcome))).toEqual(new Set(['disconnected']));
    });

    it('then each refusal the hooks decided was logged exactly once with client id, role, sub, topic and reason', () => {
      // Publishing to a wildcard is a protocol error: aedes hangs up before any hook runs.
      const decided = cells.filter((c) => !isAllowed(c) && !(c.op === 'publish' && /[+#]/.test(c.topic)));
      const linesFor = (c: CellResult) =>
        log.lines.filter((l) => l.clientId === c.clientId && (c.persona === 'anonymous' ? l.msg === 'connect refused' : l.topic === c.topic));
      const counts = decided.map((c) => [c.clientId, c.topic, linesFor(c).length]);
      expect(counts).toEqual(decided.map((c) => [c.clientId, c.topic, 1]));
      for (const c of decided.filter((d) => d.persona !== 'anonymous')) {
        expect(linesFor(c)[0]).toEqual(
          expect.objectContaining({ role: expect.any(String), sub: expect.any(String), reason: expect.stringMatching(/_not_authorized$/) }),
        );
      }
    });

    it('then mqtt_refusals_total counts exactly those refusals, by reason', async () => {
      const metrics = await (await fetch(broker.metricsUrl)).text();
      const count = (reason: string) => Number(new RegExp(`^mqtt_refusals_total\\{reason="${reason}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
      const denied = (op: CellResult['op']) => cells.filter((c) => c.op === op && c.persona !== 'anonymous' && !isAllowed(c));
      expect({
        connect_anonymous: count('connect_anonymous'),
        subscribe_not_authorized: count('subscribe_not_authorized'),
        publish_not_authorized: count('publish_not_authorized'),
        forward_not_authorized: count('forward_not_authorized'),
      }).toEqual({
        connect_anonymous: cells.filter((c) => c.persona === 'anonymous').length,
        subscribe_not_authorized: denied('subscribe').length,
        publish_not_authorized: denied('publish').filter((c) => !/[+#]/.test(c.topic)).length,
        forward_not_authorized: 0,
      });
    });
  });
}

describeMatrix('tcp', PERSONAS, ALL_LABELS);
describeMatrix('websocket', PERSONAS, ['A/status', 'B/status', 'orders/#', 'X/deliveries/D/status', 'X/location', '$SYS/#']);
