/** Messages between the broker bench (parent) and its generator children (generator.ts). */

export type Transport = 'tcp' | 'ws';
export type QoS = 0 | 1;

export interface Endpoint {
  transport: Transport;
  host: string;
  port: number;
  /** WebSocket path, e.g. '/mqtt' (ours) or '/' (mosquitto). */
  path: string;
  /**
   * WebSocket client stream: 'joined' sends everything mqtt.js writes in one tick as one frame
   * (as mqtt.js does in browsers, BufferedDuplex); 'stock' is mqtt.js's Node transport (a frame per chunk).
   */
  wsWrites: 'joined' | 'stock';
}

export interface ClientSpec {
  clientId: string;
  username?: string;
  password?: string;
  /** Index for localAddress(). */
  addressIndex: number;
  /** Subscribe to this topic (QoS 1: deliveries then go out at the publisher's QoS). */
  topic?: string;
}

export interface ConnectRequest {
  endpoint: Endpoint;
  clients: ClientSpec[];
  concurrency: number;
}

export interface ConnectReply {
  connected: number;
  refused: number;
  ms: number;
}

export interface ArmRequest {
  /** Only messages of this run are recorded; others (warm-up) are ignored. */
  run: number;
}

export interface ProgressReply {
  received: number;
}

export interface CollectReply {
  received: number;
  /** Messages that arrived with a sequence number not above the last one on that client. */
  outOfOrder: number;
  /** Messages that were not our JSON. */
  malformed: number;
  histogram: { hdr: string; overflow: number };
  clientErrors: number;
  disconnects: number;
}

export interface PublishRequest {
  run: number;
  qos: QoS;
  ratePerSecond: number;
  durationMs: number;
  /** Message i goes to topics[i % topics.length]. */
  topics: string[];
  payloadBytes: number;
  /** How long to wait for outstanding PUBACKs after the last send. */
  ackTimeoutMs: number;
  /** openLoop idle mode: 'timer' sends what is due about once per millisecond, 'sleep' paces each send. */
  pacing: 'timer' | 'sleep';
}

export interface PublishReply {
  sent: number;
  acked: number;
  /** Largest delay between a send's scheduled time and the moment it was handed to mqtt.js. */
  maxSendLagMs: number;
  elapsedMs: number;
  /** Set when the publisher lost its connection (it reconnects for the next run). */
  error?: string;
}
