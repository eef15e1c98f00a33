/** What subackCodes needs of an MQTT client (mqtt.js's MqttClient has it). */
export interface SubscribingClient {
  subscribeAsync(filters: string[], options: { qos: 1 }): Promise<Array<{ qos: number }>>;
}

/**
 * The SUBACK codes for `filters` subscribed at QoS 1 in one SUBSCRIBE. mqtt.js rejects the
 * promise when any code is 128 (refused), with the SUBACK on the error; that is an answer here.
 */
export async function subackCodes(client: SubscribingClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (err) {
    const granted = (err as { packet?: { granted?: Array<number | { qos: number }> } }).packet?.granted;
    if (!granted) throw err;
    return granted.map((g) => (typeof g === 'number' ? g : g.qos));
  }
}
