import type { Logger } from '@orderpulse/service-kit';
import type { AuthorizePublishHook, RefusalReason } from './hook-types.js';
import type { Sessions } from './sessions.js';
import { publishDecision } from './topic-rules.js';

export interface AuthorizePublishOptions {
  sessions: Sessions;
  logger: Logger;
  maxPayloadBytes: number;
  onRefused: (reason: RefusalReason) => void;
}

/**
 * Refuses payloads over the limit, then asks the topic rules. MQTT 3.1.1 has no negative
 * PUBACK, so a refusal closes the sender's connection [MQTT-3.3.5-2]; aedes does that when
 * the callback gets an error.
 */
export function createAuthorizePublish(options: AuthorizePublishOptions): AuthorizePublishHook {
  const { sessions, logger, maxPayloadBytes, onRefused } = options;
  return (client, packet, done) => {
    const clientId = client?.id ?? null;
    const { topic } = packet;
    const bytes = Buffer.byteLength(packet.payload);
    if (bytes > maxPayloadBytes) {
      logger.warn({ clientId, topic, bytes, maxPayloadBytes }, 'publish refused: payload too large');
      onRefused('payload_too_large');
      done(new Error(`payload of ${bytes} bytes exceeds the limit of ${maxPayloadBytes}`));
      return;
    }
    const decision = publishDecision(client ? sessions.get(client) : undefined, topic);
    if (!decision.allow) {
      logger.warn({ clientId, topic, reason: decision.reason }, 'publish refused');
      onRefused('publish_not_authorized');
      done(new Error(decision.reason));
      return;
    }
    done(null);
  };
}
