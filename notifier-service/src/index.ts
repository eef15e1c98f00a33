export { startNotifier, type NotifierSettings, type RunningNotifier } from './service.js';
export { loadNotifierConfig, type NotifierConfig } from './config.js';
export { messagesForOrderEvent } from './handlers/order-event.js';
export { messagesForDeliveryEvent } from './handlers/delivery-event.js';
export type { MqttMessage } from './mqtt-message.js';
export { NOTIFIER_QUEUE } from './consumer.js';
