import { subjectKey } from './client-id.js';
import type { AuthorizePublishHook } from './hook-types.js';
import type { PublishPacer } from './publish-pacer.js';
import { expiredSessionRefusal, whoOf, type RefuseFn } from './refusals.js';
import type { Sessions } from './sessions.js';
import { hasSubjectQuotas, mayRetain } from './role-limits.js';
import { publishDecision, topicPayloadLimit } from './topic-rules.js';

export interface AuthorizePublishOptions {
  sessions: Sessions;
  refuse: RefuseFn;
  maxPayloadBytes: number;
  /** Paces the publishes of each customer or rider token (MQTT_MAX_PUBLISHES_PER_SECOND). */
  pacer: PublishPacer;
  /** Called for each publish held back by the pacer. */
  onDelayed?: () => void;
}

/**
 * Refuses a client whose token has expired (its expiry timer may be late) and payloads over the
 * limit, then asks the topic rules, then refuses a retained message from anyone but a service
 * (retained messages are the state every late subscriber gets: a rider could otherwise leave
 * hundreds behind for admins and delivery-service to replay). MQTT 3.1.1 has no negative
 * PUBACK: the server must either acknowledge as usual or close the connection [MQTT-3.3.5-2].
 * We close it (aedes does when the callback gets an error): a silent drop would let a
 * misbehaving client believe its message went through, while a disconnect shows up on both
 * sides and in the log.
 * Also runs for wills; a will whose client is gone, or whose token has expired, is refused.
 * An allowed publish of a customer or rider token over its rate is held, not refused (see
 * publish-pacer.ts): a rider publishing as fast as it can would otherwise queue thousands of
 * reports ahead of every other rider's at delivery-service.
 */
export function createAuthorizePublish({
  sessions,
  refuse,
  maxPayloadBytes,
  pacer,
  onDelayed = () => undefined,
}: AuthorizePublishOptions): AuthorizePublishHook {
  return (client, packet, done) => {
    const session = client ? sessions.get(client) : undefined;
    const clientId = session?.clientId ?? client?.id ?? null;
    const { topic } = packet;
    const expired = expiredSessionRefusal(session);
    if (expired) {
      refuse({ reason: 'publish_token_expired', ...expired, clientId, who: whoOf(session), topic });
      done(new Error(expired.detail));
      return;
    }
    const bytes = Buffer.byteLength(packet.payload);
    const limit = Math.min(maxPayloadBytes, topicPayloadLimit(topic) ?? maxPayloadBytes);
    if (bytes > limit) {
      const detail = `payload of ${bytes} bytes exceeds the limit of ${limit}`;
      refuse({ reason: 'payload_too_large', detail, clientId, who: whoOf(session), topic, context: { bytes, maxPayloadBytes: limit } });
      done(new Error(detail));
      return;
    }
    const decision = publishDecision(session?.access, topic);
    if (!decision.allow) {
      refuse({ reason: 'publish_not_authorized', detail: decision.reason, clientId, who: whoOf(session), topic });
      done(new Error(decision.reason));
      return;
    }
    const role = session?.access.role;
    if (packet.retain && !(role && mayRetain(role))) {
      const detail = `a ${role ?? 'client'} may not publish retained messages`;
      refuse({ reason: 'publish_retain_not_allowed', detail, clientId, who: whoOf(session), topic });
      done(new Error(detail));
      return;
    }
    const delayMs = session && hasSubjectQuotas(session.claims.role) ? pacer.delayMs(subjectKey(session.claims)) : 0;
    if (delayMs === 0) {
      done(null);
      return;
    }
    onDelayed();
    setTimeout(() => done(null), delayMs);
  };
}
