/** The part of aedes' persistence (aedes-persistence or aedes-persistence-redis) that holds a session. */
export interface SessionStore {
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
  cleanIncoming?: ((client: { id: string }) => Promise<unknown>) | undefined;
}

/**
 * Removes what a persistent session holds, through the persistence API aedes itself uses for a
 * clean session: its subscriptions (so nothing more is queued for it), the messages queued for
 * it, and its inbound QoS 2 records where the store keeps them. aedes-persistence-redis drops
 * the queue with the last subscription and lacks cleanIncoming; the message bodies a dropped
 * queue pointed to expire through the packet TTL set in redis-state.ts.
 */
export async function wipeSession(store: SessionStore, id: string): Promise<void> {
  const client = { id };
  await store.cleanSubscriptions(client);
  for await (const packet of store.outgoingStream(client)) await store.outgoingClearMessageId(client, packet);
  if (typeof store.cleanIncoming === 'function') await store.cleanIncoming(client);
}
