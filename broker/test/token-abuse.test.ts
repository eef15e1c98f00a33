import { afterAll, beforeAll, describe, it, expect } from '@jest/globals';
import type { TokenClaims } from '@orderpulse/contracts';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import { forge } from './helpers/forged-tokens.js';
import { CLAIMS, IDS, testTokens } from './helpers/personas.js';
import type { PacketClient } from './helpers/packet-client.js';
import { openPacketClient, type TransportName } from './helpers/raw-transports.js';
import { startTestBroker, type TestBroker } from './helpers/start-broker.js';

type Case = [what: string, username: string, token: () => Promise<string>, reason: string];

const customerA = CLAIMS.customerA;
const riderX = CLAIMS.riderX as TokenClaims;

const ABUSES: Case[] = [
  ['an expired token', 'customer', () => forge.expired(customerA), 'connect_token_expired'],
  ['a token signed with another secret', 'customer', () => forge.wrongSecret(customerA), 'connect_token_invalid'],
  ['an alg:none token', 'customer', () => forge.algNone(customerA), 'connect_token_invalid'],
  ['an alg:none token claiming admin', 'admin', () => forge.algNone(CLAIMS.admin), 'connect_token_invalid'],
  ['an HS512 token (right secret, wrong algorithm)', 'customer', () => forge.handMade('HS512', customerA), 'connect_token_invalid'],
  ['a customer token edited to order B', 'customer', () => forge.tampered(customerA, (p) => ({ ...p, orderId: IDS.orderB })), 'connect_token_invalid'],
  ['a customer token edited to admin', 'admin', () => forge.tampered(customerA, (p) => ({ ...p, role: 'admin' })), 'connect_token_invalid'],
  ['a rider token edited to another rider', 'rider', () => forge.tampered(riderX, (p) => ({ ...p, riderId: IDS.riderY })), 'connect_token_invalid'],
  ['a customer token presented as a rider', 'rider', () => testTokens().sign(customerA, 600), 'connect_role_mismatch'],
  ['a customer token presented as an admin', 'admin', () => testTokens().sign(customerA, 600), 'connect_role_mismatch'],
  ['a password that is not a JWT', 'customer', () => Promise.resolve('change-me'), 'connect_token_invalid'],
];

const CONTROLS: Array<[what: string, username: string, token: () => Promise<string>]> = [
  ['a genuine customer token', 'customer', () => testTokens().sign(customerA, 600)],
  ['a hand-made HS256 token (the forging code itself is sound)', 'customer', () => forge.handMade('HS256', customerA)],
  ['a genuine token re-encoded unchanged', 'rider', () => forge.tampered(riderX, (p) => p)],
];

describe.each<TransportName>(['tcp', 'websocket'])('token abuse over %s', (transport) => {
  let broker: TestBroker;
  let log: CapturedLogger;
  const open: PacketClient[] = [];
  const attempt = async (clientId: string, username: string, password: string) => {
    const client = await openPacketClient(broker, transport);
    open.push(client);
    return { client, connack: await client.connect(clientId, { username, password }) };
  };

  beforeAll(async () => {
    log = captureLogger('warn');
    broker = await startTestBroker(log.logger);
  });
  afterAll(async () => {
    for (const client of open) client.close();
    await broker.close();
  });

  it.each(ABUSES)(
    'when a client presents %s, then CONNACK 5 refuses it, the connection closes and the reason is logged',
    async (what, username, token, reason) => {
      const clientId = `${transport}-${what}`;
      const { client, connack } = await attempt(clientId, username, await token());
      expect(connack.returnCode).toBe(5);
      await client.waitUntilClosed();
      const lines = log.lines.filter((l) => l.clientId === clientId);
      expect(lines).toEqual([expect.objectContaining({ msg: 'connect refused', reason, username })]);
      expect(JSON.stringify(lines)).not.toMatch(/eyJ/);
    },
  );

  it.each(CONTROLS)('when a client presents %s, then it is accepted', async (what, username, token) => {
    const { client, connack } = await attempt(`${transport}-ok-${what}`, username, await token());
    expect(connack.returnCode).toBe(0);
    expect(client.closed).toBe(false);
  });

  it('then /metrics counts each refusal under its reason', async () => {
    const metrics = await (await fetch(broker.metricsUrl)).text();
    const count = (reason: string) => Number(new RegExp(`^mqtt_refusals_total\\{reason="${reason}"[^}]*\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    const expected = (reason: string) => ABUSES.filter((a) => a[3] === reason).length;
    for (const reason of ['connect_token_expired', 'connect_token_invalid', 'connect_role_mismatch'])
      expect([reason, count(reason)]).toEqual([reason, expected(reason)]);
  });
});
