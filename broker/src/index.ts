export { createBroker, type BrokerSettings, type RunningBroker } from './create-broker.js';
export { loadBrokerConfig, MQTT_WS_PATH, type BrokerConfig } from './config.js';
export { createAuthHooks, type AuthHooks } from './auth/index.js';
