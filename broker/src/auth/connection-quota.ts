import type { Client } from 'aedes';

/** Concurrent connections per subject (see client-id.ts subjectKey). */
export interface ConnectionQuota {
  /**
   * Counts `client` against `subject` until its connection closes, or returns false when the
   * subject already has `max` other connections. A connection that will take over one of them
   * (same scoped client id, [MQTT-3.1.4-2]) does not count the one it replaces.
   */
  tryAdd(client: Client, subject: string, scopedId: string): boolean;
  count(subject: string): number;
}

export function createConnectionQuota(max: number): ConnectionQuota {
  const bySubject = new Map<string, Map<Client, string>>();
  return {
    tryAdd(client, subject, scopedId) {
      let open = bySubject.get(subject);
      if (open) {
        let others = 0;
        for (const id of open.values()) if (id !== scopedId) others += 1;
        if (others >= max) return false;
      }
      // Gone while its token was checked: no 'close' would come to release it (aedes drops it anyway).
      if (client.closed) return true;
      if (!open) {
        open = new Map();
        bySubject.set(subject, open);
      }
      const mine = open;
      mine.set(client, scopedId);
      client.conn.once('close', () => {
        mine.delete(client);
        if (mine.size === 0 && bySubject.get(subject) === mine) bySubject.delete(subject);
      });
      return true;
    },
    count: (subject) => bySubject.get(subject)?.size ?? 0,
  };
}
