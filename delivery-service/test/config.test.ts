import { describe, it, expect } from '@jest/globals';
import { loadDeliveryConfig } from '../src/index.js';

describe('delivery-service config', () => {
  it('when nothing is set, then it listens on 3002 and reaches the broker on 1884', () => {
    expect(loadDeliveryConfig({})).toMatchObject({ DELIVERY_PORT: 3002, MQTT_URL: 'mqtt://127.0.0.1:1884' });
  });

  it('when the port is not a number, then it refuses to start', () => {
    expect(() => loadDeliveryConfig({ DELIVERY_PORT: 'x' })).toThrow(/DELIVERY_PORT/);
  });
});
