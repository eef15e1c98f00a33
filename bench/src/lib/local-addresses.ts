/**
 * Client sockets to one server port are limited by the ephemeral port range (32768–60999, ~28k)
 * per source address; every 127.x.y.z address is loopback on Linux, so spreading clients over
 * 127.0.0.2 … 127.0.0.N gives each address its own port range.
 */
export const LOCAL_ADDRESS_COUNT = 250;

/** Connections per local address before moving on to the next one (well under the port range). */
export const CONNECTIONS_PER_ADDRESS = 10_000;

/** One process may hold at most 20,000 open files here; keep sockets well below it. */
export const MAX_SOCKETS_PER_PROCESS = 15_000;

/**
 * Local address for client socket number i: round-robin over 127.0.0.2 … 127.0.0.(LOCAL_ADDRESS_COUNT+1),
 * so every address carries few enough connections whatever the total.
 */
export function localAddress(i: number): string {
  const index = ((Math.floor(i) % LOCAL_ADDRESS_COUNT) + LOCAL_ADDRESS_COUNT) % LOCAL_ADDRESS_COUNT;
  return `127.0.0.${index + 2}`;
}
