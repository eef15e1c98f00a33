/** What a handler asks the publisher to send: one MQTT PUBLISH at QoS 1. */
export interface MqttMessage {
  kind: 'order-status' | 'order-tracking' | 'order-location' | 'order-signal' | 'rider-assignments' | 'admin-feed';
  topic: string;
  payload: string;
  retain: boolean;
}
