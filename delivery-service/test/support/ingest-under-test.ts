import { connectAsync, type MqttClient } from 'mqtt';
import { createTokenService, DEV_JWT_SECRET, type TokenService } from '@orderpulse/service-kit';
import { createServiceCredentials } from '@orderpulse/service-kit/mqtt';
import { createRiderMessageHandler, type RiderMessageOutcome } from '../../src/ingest/rider-message-handler.js';
import { createRiderIngest, type RiderIngest } from '../../src/ingest/rider-ingest.js';
import type { DeliveryUseCaseDeps } from '../../src/domain/delivery-use-case-deps.js';

export const testTokens: TokenService = createTokenService(DEV_JWT_SECRET);

export interface IngestUnderTest {
  ingest: RiderIngest;
  /** Every outcome, in the order the ingest reported them. */
  outcomes: RiderMessageOutcome[];
}

/** The ingest as delivery-service wires it, on `url` with `clientId`, fast retry for tests. */
export async function startIngest(deps: DeliveryUseCaseDeps, url: string, clientId: string): Promise<IngestUnderTest> {
  const ingest = createRiderIngest({
    url,
    clientId,
    credentials: createServiceCredentials({ tokens: testTokens, service: 'delivery-service', ttlSeconds: 3600 }),
    handle: createRiderMessageHandler(deps),
    logger: deps.logger,
    connectTimeoutMs: 2_000,
    retryBackoff: { initialMs: 5, maxMs: 20 },
  });
  const outcomes: RiderMessageOutcome[] = [];
  ingest.on('processed', (outcome) => outcomes.push(outcome));
  await ingest.start();
  return { ingest, outcomes };
}

export interface RiderDevice {
  client: MqttClient;
  /** Publishes at QoS 1 and resolves on the broker's PUBACK. An object is sent as JSON. */
  report(topic: string, payload: unknown): Promise<void>;
  close(): Promise<void>;
}

/** A real mqtt.js client, like the rider app. */
export async function connectRider(url: string, riderId: string): Promise<RiderDevice> {
  const client = await connectAsync(url, { clientId: `rider-app-${riderId}`, reconnectPeriod: 0, connectTimeout: 2_000 });
  return {
    client,
    async report(topic, payload) {
      await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
    },
    close: () => client.endAsync(),
  };
}
