import { describe, it, expect } from '@jest/globals';
import { forwardDecision, publishDecision, subscribeDecision, type Principal } from '../src/auth/topic-rules.js';

const anonymous: Principal = { role: 'anonymous', clientId: 'c1' };

describe('topic rules (permissive until the security issue)', () => {
  it.each(['orders/abc/status', 'admin/orders', 'riders/r1/location'])('when anyone publishes to %s, then it is allowed', (topic) => {
    expect(publishDecision(anonymous, topic)).toEqual({ allow: true });
  });

  it.each(['$SYS/broker/x', '$SYS'])('when a client publishes to %s, then it is refused as reserved', (topic) => {
    expect(publishDecision(anonymous, topic)).toEqual({ allow: false, reason: expect.stringMatching(/reserved/) });
  });

  it('when a will is published for a client that is gone, then the rules still answer', () => {
    expect(publishDecision(undefined, 'orders/abc/status').allow).toBe(true);
  });

  it('when anyone subscribes or is delivered a message, then it is allowed', () => {
    expect(subscribeDecision(anonymous, 'orders/#')).toEqual({ allow: true });
    expect(forwardDecision(anonymous, 'orders/abc/status')).toEqual({ allow: true });
  });
});
