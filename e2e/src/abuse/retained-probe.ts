import mqtt from 'mqtt';

/**
 * The retained messages the broker holds on `topics` (exact topics, no wildcards), read by an
 * admin. `sentinel` is an exact topic known to hold a retained message; it is subscribed last
 * in the same SUBSCRIBE. For exact topics the broker looks each one up in the order given
 * (broker/src/retained-index.ts) and streams what it finds in that order on one connection, so
 * once the sentinel's message has arrived every retained message of `topics` has too: an
 * empty answer means none is held, without waiting out a timeout.
 */
export async function retainedOn(mqttUrl: string, adminToken: string, topics: string[], sentinel: string): Promise<Map<string, string>> {
  if ([...topics, sentinel].some((t) => t.includes('+') || t.includes('#'))) throw new Error('retainedOn takes exact topics only');
  const client = await mqtt.connectAsync(mqttUrl, { username: 'admin', password: adminToken, clean: true, reconnectPeriod: 0, connectTimeout: 5_000 });
  const found = new Map<string, string>();
  try {
    const sentinelSeen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sentinel ${sentinel} held no retained message within 10 s`)), 10_000);
      client.on('message', (topic, payload, packet) => {
        if (topic === sentinel) {
          clearTimeout(timer);
          resolve();
        } else if (packet.retain) found.set(topic, payload.toString('utf8'));
      });
    });
    const granted = await client.subscribeAsync([...topics, sentinel], { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length) throw new Error(`admin subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
    await sentinelSeen;
    return found;
  } finally {
    await client.endAsync(true);
  }
}
