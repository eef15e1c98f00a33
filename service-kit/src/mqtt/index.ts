// A subpath of its own (`@orderpulse/service-kit/mqtt`), so processes that speak no MQTT as a
// client (the broker, orders-service, web-client) do not load mqtt.js.
export * from './connection.js';
export * from './service-credentials.js';
