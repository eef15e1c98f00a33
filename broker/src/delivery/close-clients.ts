/** The parts of an aedes client a catch-up close reads. */
export interface ClosableClient {
  id: string | null;
  connected: boolean;
  /** Set by aedes once `close` has been called. */
  closed?: boolean;
  close(done?: () => void): void;
}

/**
 * Closes every connected client `pick` chooses that is not closing already, and returns their
 * ids. After a Redis subscription came back, this is how clients that can only catch up by
 * reconnecting are made to (session-queue-replay.ts, feed-resync.ts).
 */
export function closeClients<C extends ClosableClient>(clients: Record<string, C>, pick: (client: C) => boolean): string[] {
  const closed: string[] = [];
  for (const client of Object.values(clients)) {
    if (!client.connected || client.closed || client.id === null || !pick(client)) continue;
    closed.push(client.id);
    client.close();
  }
  return closed;
}
