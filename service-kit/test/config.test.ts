import { describe, it, expect } from '@jest/globals';
import { ConfigError, commonConfig, flag, loadConfig, port } from '../src/index.js';

const shape = { ...commonConfig, ORDERS_PORT: port(3001), DEBUG_FEATURE: flag(false) };

describe('loadConfig', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    const config = loadConfig(shape, {});
    expect(config).toMatchObject({ ORDERS_PORT: 3001, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', NODE_ENV: 'development', DEBUG_FEATURE: false });
  });

  it('when values are set, then they are coerced to their types', () => {
    const config = loadConfig(shape, { ORDERS_PORT: '4000', DEBUG_FEATURE: 'true', AMQP_NAMESPACE: 'ci-1' });
    expect(config.ORDERS_PORT).toBe(4000);
    expect(config.DEBUG_FEATURE).toBe(true);
    expect(config.AMQP_NAMESPACE).toBe('ci-1');
  });

  it('when a value is invalid, then the error names every bad key', () => {
    let error: unknown;
    try {
      loadConfig(shape, { ORDERS_PORT: 'http', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join(' ')).toMatch(/ORDERS_PORT.*LOG_LEVEL|LOG_LEVEL.*ORDERS_PORT/);
  });
});
