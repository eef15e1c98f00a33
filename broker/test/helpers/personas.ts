import type { TokenClaims } from '@orderpulse/contracts';
import { createTokenService, type TokenService } from '@orderpulse/service-kit';

/** The secret every test broker checks tokens with (32+ characters, not the dev default). */
export const TEST_JWT_SECRET = 'broker-tests-secret-0123456789-abcdefghij';

/** Ids the personas and topic classes are built from. */
export const IDS = {
  orderA: '6f0e2a8c-4d1b-4c59-9a6e-0f4a1d2b3c4d',
  orderB: '9b7d5e3f-1a2c-4e8b-b6d4-2c1e0f9a8b7c',
  riderX: 'rider-x',
  riderY: 'rider-y',
  delivery: 'd-1',
} as const;

export const PERSONAS = ['anonymous', 'customerA', 'customerB', 'riderX', 'riderY', 'admin', 'notifier', 'deliveryService'] as const;
export type Persona = (typeof PERSONAS)[number];
export type Authenticated = Exclude<Persona, 'anonymous'>;

export const CLAIMS: Record<Authenticated, TokenClaims> = {
  customerA: { role: 'customer', sub: `customer:${IDS.orderA}`, orderId: IDS.orderA },
  customerB: { role: 'customer', sub: `customer:${IDS.orderB}`, orderId: IDS.orderB },
  riderX: { role: 'rider', sub: `rider:${IDS.riderX}`, riderId: IDS.riderX },
  riderY: { role: 'rider', sub: `rider:${IDS.riderY}`, riderId: IDS.riderY },
  admin: { role: 'admin', sub: 'admin' },
  notifier: { role: 'service', sub: 'notifier' },
  deliveryService: { role: 'service', sub: 'delivery-service' },
};

export interface Credentials {
  username?: string;
  password?: string;
}

/** Signs tokens the way the services do, with the test secret unless told otherwise. */
export function testTokens(secret = TEST_JWT_SECRET): TokenService {
  return createTokenService(secret);
}

/** MQTT credentials of a persona: username = role, password = a fresh token; none for anonymous. */
export async function credentialsOf(persona: Persona, tokens: TokenService = testTokens()): Promise<Credentials> {
  if (persona === 'anonymous') return {};
  const claims = CLAIMS[persona];
  return { username: claims.role, password: await tokens.sign(claims, 600) };
}
