import type { TokenService } from '@orderpulse/service-kit';
import type { UnsubscribeTokens } from './unsubscribe-tokens.js';

export interface MailLinks {
  /** The customer's tracking page with a fresh customer token, as orders-service hands it out. */
  trackingUrl(orderId: string): Promise<string>;
  unsubscribeUrl(orderId: string): Promise<string>;
}

export interface MailLinkSettings {
  tokens: TokenService;
  unsubscribeTokens: UnsubscribeTokens;
  /** Same claims and lifetime as orders-service's customer tokens (CUSTOMER_TOKEN_TTL_SECONDS). */
  customerTokenTtlSeconds: number;
  publicWebUrl: string;
  publicMailUrl: string;
}

export function createMailLinks(settings: MailLinkSettings): MailLinks {
  return {
    async trackingUrl(orderId) {
      const token = await settings.tokens.sign({ role: 'customer', sub: `customer:${orderId}`, orderId }, settings.customerTokenTtlSeconds);
      return `${settings.publicWebUrl}/track/${encodeURIComponent(orderId)}?t=${token}`;
    },
    async unsubscribeUrl(orderId) {
      return `${settings.publicMailUrl}/unsubscribe?t=${await settings.unsubscribeTokens.sign(orderId)}`;
    },
  };
}
