// aedes-persistence-redis ships no types; only what src/redis-state.ts uses is declared.
declare module 'aedes-persistence-redis' {
  import type { Redis, RedisOptions } from 'ioredis';

  export interface AedesPersistenceRedisOptions extends RedisOptions {
    /** An existing connection; the persistence disconnects it in destroy(). */
    conn?: Redis;
    /** Most offline messages delivered on CONNECT; default 1000. */
    maxSessionDelivery?: number;
    /** Seconds a queued message's body lives in Redis (EXPIRE); 0 or unset: for ever. */
    packetTTL?: (packet: object) => number;
  }

  export interface AedesPersistenceRedis {
    /** Unsubscribes from the broker's subscription broadcasts and disconnects; throws if called twice. */
    destroy(): Promise<void>;
  }

  function aedesPersistenceRedis(options?: AedesPersistenceRedisOptions): AedesPersistenceRedis;
  export default aedesPersistenceRedis;
}
