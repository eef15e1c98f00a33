import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@orderpulse/service-kit/testing';
import {
  flood,
  headerAnnouncing,
  limitsBroken,
  MAX_ANNOUNCED,
  openIdle,
  pool,
  startAbuseSystem,
  type AbuseSystem,
  type Transport,
} from '../src/abuse/index.js';

const MIB = 1024 * 1024;

/**
 * Strangers without a token against the running system (the broker's limits before login),
 * each attack measured the same way (AbuseRun): its figures, the limit it met, every process's
 * RSS, the log it caused, a bystander customer's updates over WebSocket and whether anything
 * stored changed. Token holders: abuse-token-holders.test.ts; HTTP: abuse-http.test.ts. Sizes
 * are the issue's, kept up for a second or while the customer's changes go through.
 */
describe('when strangers flood the broker before logging in, then every limit holds and a customer is still served', () => {
  let abuse: AbuseSystem;

  beforeAll(async () => {
    abuse = await startAbuseSystem({ amqpUrl: process.env.AMQP_URL as string, label: 'abuse-stranger' });
  }, 60_000);
  afterAll(async () => abuse?.stop());

  it.each<Transport>(['tcp', 'websocket'])(
    'when 16 anonymous %s connections announce a ~256 MiB CONNECT and stream zeros, then each is cut at its header and the broker stays small',
    async (transport) => {
      const CONNECTIONS = 16;
      const before = await abuse.refusals('packet_too_large');
      let rounds = 0;
      const row = await abuse.run.attack(
        `16 anonymous ${transport === 'tcp' ? 'TCP' : 'WebSocket'} connections announce a ~256 MiB CONNECT, then stream zeros${transport === 'tcp' ? '' : ' in 64 KiB frames'}`,
        async (ctx) => {
          let written = 0;
          // Repeated for a second at least and while the customer's changes go through, so every change meets the flood.
          const startedAt = performance.now();
          do {
            const floods = await Promise.all(
              Array.from({ length: CONNECTIONS }, () => flood(ctx.broker, transport, ctx.address, headerAnnouncing(1, MAX_ANNOUNCED))),
            );
            expect(floods.filter((f) => !f.closedByBroker)).toEqual([]);
            written += floods.reduce((n, f) => n + f.written, 0);
            rounds += 1;
          } while (ctx.bystanderDriving() || performance.now() - startedAt < 1_000);
          const refused = CONNECTIONS * rounds;
          await waitFor(async () => (await abuse.refusals('packet_too_large')) >= before + refused, `${refused} packet_too_large refusals`);
          return {
            figures: `${CONNECTIONS} at a time, ${rounds} rounds (${refused} connections), ${(written / MIB).toFixed(0)} MiB written into the sockets (mostly kernel buffers) before the broker closed them`,
            limit: '4 KiB packet length before CONNECT, read from the fixed header: closed after one read',
            refused,
          };
        },
      );
      expect(await abuse.refusals('packet_too_large')).toBe(before + CONNECTIONS * rounds);
      abuse.record(row);
      expect(limitsBroken(row)).toEqual([]);
    },
  );

  it('when CONNECTs carry a 60,000-character client id and a bad password, 200 at a time, then each is refused at its header and the log stays small', async () => {
    const ATTEMPTS = 200;
    const before = await abuse.refusals('packet_too_large');
    let sent = 0;
    const row = await abuse.run.attack('200 CONNECTs with a 60,000-character client id and a bad password', async (ctx) => {
      do {
        const outcomes = await pool(
          Array.from({ length: ATTEMPTS }, (_, i) => i),
          50,
          (i) => ctx.connect('tcp', { clientId: `${i}-${'x'.repeat(60_000)}`, username: 'admin', password: 'not-a-token' }),
        );
        expect(outcomes.filter((o) => o.accepted)).toEqual([]);
        sent += ATTEMPTS;
      } while (ctx.bystanderDriving());
      await waitFor(async () => (await abuse.refusals('packet_too_large')) === before + sent, `${sent} packet_too_large refusals`);
      return {
        figures: `${sent} connections in rounds of ${ATTEMPTS}, 50 at a time, ${((sent * 60_000) / MIB).toFixed(0)} MiB of client ids`,
        limit: '4 KiB packet length before CONNECT; refusal lines cut to 128 characters, 10 a second per reason',
        refused: sent,
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when CONNECTs carry a 4,000-character client id (under the packet limit), then each gets CONNACK 2 before its token is looked at', async () => {
    const ATTEMPTS = 200;
    const before = await abuse.refusals('connect_client_id_too_long');
    let sent = 0;
    const row = await abuse.run.attack('200 CONNECTs with a 4,000-character client id (fits in 4 KiB) and a bad password', async (ctx) => {
      do {
        const outcomes = await pool(
          Array.from({ length: ATTEMPTS }, (_, i) => i),
          50,
          (i) => ctx.connect('websocket', { clientId: `${i}-${'y'.repeat(4_000)}`, username: 'admin', password: 'not-a-token' }),
        );
        expect(outcomes.map((o) => o.returnCode)).toEqual(Array(ATTEMPTS).fill(2));
        sent += ATTEMPTS;
      } while (ctx.bystanderDriving());
      await waitFor(async () => (await abuse.refusals('connect_client_id_too_long')) === before + sent, `${sent} connect_client_id_too_long refusals`);
      return {
        figures: `${sent} WebSocket connections in rounds of ${ATTEMPTS}, 50 at a time`,
        limit: 'client id 128 characters: CONNACK 2, token never verified',
        refused: sent,
      };
    });
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  });

  it('when one address opens 300 connections and sends nothing, then 256 are held until the 5 s CONNECT deadline and the rest are refused at once', async () => {
    const before = { cap: await abuse.refusals('connect_address_limit'), deadline: await abuse.refusals('connect_timeout') };
    let counted = { cap: 0, deadline: 0 };
    let longest = 0;
    const row = await abuse.run.attack('one address opens 200 TCP + 100 WebSocket connections and sends nothing', async (ctx) => {
      const idle = await pool([...Array(200).fill('tcp'), ...Array(100).fill('websocket')] as Transport[], 50, (t) => openIdle(ctx.broker, t, ctx.address));
      longest = Math.max(...(await Promise.all(idle.map((c) => c.closed))));
      const since = async () => ({
        cap: (await abuse.refusals('connect_address_limit')) - before.cap,
        deadline: (await abuse.refusals('connect_timeout')) - before.deadline,
      });
      counted = await waitFor(async () => {
        const now = await since();
        return now.cap + now.deadline === 300 && now;
      }, '300 refusals');
      return {
        figures: `300 connections from 1 address, longest held ${(longest / 1000).toFixed(1)} s`,
        limit: `256 connections per address (${counted.cap} refused at accept or with HTTP 503), 5 s CONNECT deadline (${counted.deadline} closed)`,
        refused: 300,
      };
    });
    expect(counted).toEqual({ cap: 44, deadline: 256 });
    expect(longest).toBeLessThan(7_000);
    abuse.record(row);
    expect(limitsBroken(row)).toEqual([]);
  }, 20_000);
});
