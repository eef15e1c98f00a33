/** What a handler asks the publisher to send: one MQTT PUBLISH at QoS 1. */
export interface MqttMessage {
  kind: 'order-status' | 'order-tracking' | 'order-location' | 'order-signal' | 'rider-assignments' | 'admin-feed';
  topic: string;
  payload: string;
  retain: boolean;
  /** The event this message tells about: an order-status or order-tracking message carrying it gets a hop receipt (issue 17 point 1). */
  cause?: { eventId: string; orderId: string; version: number };
}
