import mqtt from 'mqtt';

/** Below the broker's MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT (64), with room for the sentinel. */
const TOPICS_PER_CONNECTION = 60;

/** One admin connection subscribing `topics` then `sentinel` in one SUBSCRIBE; see retainedOn. */
async function retainedOnce(mqttUrl: string, adminToken: string, topics: string[], sentinel: string, found: Map<string, string>): Promise<void> {
  const client = await mqtt.connectAsync(mqttUrl, { username: 'admin', password: adminToken, clean: true, reconnectPeriod: 0, connectTimeout: 5_000 });
  let timer: NodeJS.Timeout | undefined;
  try {
    const sentinelSeen = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the sentinel ${sentinel} held no retained message within 10 s`)), 10_000);
      client.on('message', (topic, payload, packet) => {
        if (topic === sentinel) resolve();
        else if (packet.retain) found.set(topic, payload.toString('utf8'));
      });
    });
    const granted = await client.subscribeAsync([...topics, sentinel], { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length) throw new Error(`admin subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
    await sentinelSeen;
  } finally {
    clearTimeout(timer);
    await client.endAsync(true);
  }
}

/**
 * The retained messages the broker holds on `topics` (exact topics, no wildcards), read by an
 * admin. `sentinel` is an exact topic known to hold a retained message; it is subscribed last
 * in the same SUBSCRIBE. For exact topics the broker looks each one up in the order given
 * (broker/src/retained-index.ts) and streams what it finds in that order on one connection, so
 * once the sentinel's message has arrived every retained message of `topics` has too: an
 * empty answer means none is held, without waiting out a timeout. Many topics are read over
 * several connections, as one may hold only so many subscriptions.
 */
export async function retainedOn(mqttUrl: string, adminToken: string, topics: string[], sentinel: string): Promise<Map<string, string>> {
  if ([...topics, sentinel].some((t) => t.includes('+') || t.includes('#'))) throw new Error('retainedOn takes exact topics only');
  const found = new Map<string, string>();
  for (let i = 0; i < topics.length; i += TOPICS_PER_CONNECTION) {
    await retainedOnce(mqttUrl, adminToken, topics.slice(i, i + TOPICS_PER_CONNECTION), sentinel, found);
  }
  return found;
}
