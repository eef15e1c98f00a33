import type { TokenService } from '@orderpulse/service-kit';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { getRider } from './riders.js';

export interface RiderTokenDeps extends Pick<DeliveryUseCaseDeps, 'store' | 'clock' | 'logger'> {
  tokens: Pick<TokenService, 'sign'>;
  ttlSeconds: number;
}

export interface RiderToken {
  token: string;
  expiresAt: string;
}

/** A token the rider's app uses as its MQTT password (username `rider`) and HTTP bearer. */
export async function issueRiderToken(deps: RiderTokenDeps, riderId: string): Promise<RiderToken> {
  const rider = await getRider(deps, riderId);
  const issuedAt = Math.floor(deps.clock().getTime() / 1000);
  const token = await deps.tokens.sign({ role: 'rider', sub: rider.id, riderId: rider.id, name: rider.name }, deps.ttlSeconds);
  deps.logger.info({ riderId }, 'rider token issued');
  return { token, expiresAt: new Date((issuedAt + deps.ttlSeconds) * 1000).toISOString() };
}
