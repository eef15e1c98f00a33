import { afterEach, describe, it, expect } from '@jest/globals';
import { DEV_JWT_SECRET } from '@orderpulse/service-kit';
import { waitFor } from '@orderpulse/service-kit/testing';
import { startBrokerProcess, type BrokerProcess } from './helpers/broker-process.js';
import { TEST_JWT_SECRET } from './helpers/personas.js';

const FREE_PORTS = { MQTT_PORT: '0', MQTT_WS_PORT: '0', BROKER_HTTP_PORT: '0' };

describe('starting the broker process (dist/main.js)', () => {
  const running: BrokerProcess[] = [];
  const start = (env: Record<string, string>) => {
    const broker = startBrokerProcess(env);
    running.push(broker);
    return broker;
  };
  const listening = (broker: BrokerProcess) => waitFor(() => broker.lines.find((l) => l.msg === 'broker listening'), 'the broker to listen');
  const jwtWarnings = (broker: BrokerProcess) => broker.lines.filter((l) => l.level === 'warn' && l.setting === 'JWT_SECRET');

  afterEach(async () => {
    for (const broker of running.splice(0)) {
      if (broker.child.exitCode === null) broker.child.kill('SIGTERM');
      await broker.exited;
    }
  });

  it.each([
    ['unset', {}],
    ['set to the development default', { JWT_SECRET: DEV_JWT_SECRET }],
  ])('when NODE_ENV=production and JWT_SECRET is %s, then it refuses to start with one fatal line', async (_what, secret) => {
    const broker = start({ NODE_ENV: 'production', ...FREE_PORTS, ...secret });
    expect(await broker.exited).toBe(1);
    const fatal = broker.lines.filter((l) => l.level === 'fatal');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(/^broker cannot start: invalid configuration: JWT_SECRET: the development default may not be used when NODE_ENV=production/);
    expect(broker.lines.some((l) => l.msg === 'broker listening')).toBe(false);
  });

  it('when JWT_SECRET is unset outside production, then it starts, warning once and loudly that anyone can mint tokens', async () => {
    const broker = start({ NODE_ENV: 'development', ...FREE_PORTS });
    await listening(broker);
    expect(jwtWarnings(broker)).toEqual([expect.objectContaining({ msg: expect.stringMatching(/development secret, so anyone can mint one/) })]);
  });

  it('when JWT_SECRET is set in production, then it starts without the warning', async () => {
    const broker = start({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, ...FREE_PORTS });
    await listening(broker);
    expect(jwtWarnings(broker)).toEqual([]);
  });
});
