import { describe, it, expect } from '@jest/globals';
import type { Client } from 'aedes';
import type { PublishPacket } from 'aedes';
import { topics, type TokenClaims } from '@orderpulse/contracts';
import { createAuthorizeForward } from '../src/auth/authorize-forward.js';
import type { Refusal } from '../src/auth/refusals.js';
import { createSessions } from '../src/auth/sessions.js';
import { accessFor } from '../src/auth/topic-rules.js';
import { IDS } from './helpers/personas.js';

const packetOn = (topic: string) => ({ cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 0, retain: false, dup: false }) as PublishPacket;

describe('authorizeForward', () => {
  function forwardFor(claims: TokenClaims) {
    const sessions = createSessions();
    const client = { id: 'c1' } as Client;
    sessions.set(client, { clientId: 'c1', claims, access: accessFor(claims), expiresAtMs: Date.now() + 60_000 });
    const refused: Refusal[] = [];
    const forward = createAuthorizeForward({ sessions, refuse: (refusal) => refused.push(refusal) });
    return { forward: (topic: string) => forward(client, packetOn(topic)), refused };
  }

  it("allows a customer's own topic every time, and refuses another order's each time, whatever came before", () => {
    const { forward, refused } = forwardFor({ role: 'customer', sub: `customer:${IDS.orderA}`, orderId: IDS.orderA });
    const own = topics.orderStatus(IDS.orderA);
    const other = topics.orderStatus(IDS.orderB);
    expect(forward(own)?.topic).toBe(own);
    expect(forward(own)?.topic).toBe(own);
    expect(forward(other)).toBeNull();
    expect(forward(own)?.topic).toBe(own);
    expect(forward(other)).toBeNull();
    expect(forward(topics.orderTracking(IDS.orderA))?.topic).toBe(topics.orderTracking(IDS.orderA));
    expect(forward(other)).toBeNull();
    expect(refused.map((r) => [r.reason, r.topic])).toEqual([
      ['forward_not_authorized', other],
      ['forward_not_authorized', other],
      ['forward_not_authorized', other],
    ]);
  });

  it('refuses a client without a session, even for a topic an earlier session was allowed', () => {
    const sessions = createSessions();
    const refused: Refusal[] = [];
    const forward = createAuthorizeForward({ sessions, refuse: (refusal) => refused.push(refusal) });
    const known = { id: 'known' } as Client;
    const claims: TokenClaims = { role: 'customer', sub: `customer:${IDS.orderA}`, orderId: IDS.orderA };
    sessions.set(known, { clientId: 'known', claims, access: accessFor(claims), expiresAtMs: Date.now() + 60_000 });
    expect(forward(known, packetOn(topics.orderStatus(IDS.orderA)))).not.toBeNull();
    expect(forward({ id: 'stranger' } as Client, packetOn(topics.orderStatus(IDS.orderA)))).toBeNull();
    expect(refused).toHaveLength(1);
  });
});
