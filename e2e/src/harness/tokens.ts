import { createTokenService, type TokenService } from '@orderpulse/service-kit';

/** Mints tokens the way the services do, for test clients acting as customer, rider or admin. */
export class TestTokens {
  private readonly tokens: TokenService;

  constructor(secret: string) {
    this.tokens = createTokenService(secret);
  }

  customer(orderId: string, ttlSeconds = 3_600) {
    return this.tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, ttlSeconds);
  }

  rider(riderId: string, ttlSeconds = 3_600) {
    return this.tokens.sign({ role: 'rider', sub: riderId, riderId }, ttlSeconds);
  }

  admin(ttlSeconds = 3_600) {
    return this.tokens.sign({ role: 'admin', sub: 'admin' }, ttlSeconds);
  }
}
