export { startNotifier, type NotifierSettings, type RunningNotifier } from './service.js';
export { loadNotifierConfig, type NotifierConfig } from './config.js';
export { messagesForOrderEvent, type MqttMessage } from './handlers/order-event.js';
export { NOTIFIER_QUEUE } from './consumer.js';
