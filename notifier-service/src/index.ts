export { startNotifier, type NotifierSettings, type RunningNotifier } from './service.js';
export { loadNotifierConfig, type NotifierConfig } from './config.js';
export { messagesForOrderEvent } from './messages/order-event.js';
export { messagesForDeliveryEvent } from './messages/delivery-event.js';
export type { MqttMessage } from './messages/mqtt-message.js';
export { NOTIFIER_QUEUE } from './routing/consumer.js';
