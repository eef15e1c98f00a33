/** Concurrent connections per remote address (both MQTT transports together). */
export interface AddressQuota {
  /** Counts one connection from `address` and returns its release, or undefined when the address is at its limit. */
  acquire(address: string): (() => void) | undefined;
  /** Open connections from `address`. */
  count(address: string): number;
}

/** `maxPerAddress` 0 counts nothing and refuses nothing. */
export function createAddressQuota(maxPerAddress: number): AddressQuota {
  const open = new Map<string, number>();
  const release = (address: string) => {
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  };
  return {
    acquire(address) {
      if (maxPerAddress === 0) return () => undefined;
      const current = open.get(address) ?? 0;
      if (current >= maxPerAddress) return undefined;
      open.set(address, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(address);
      };
    },
    count: (address) => open.get(address) ?? 0,
  };
}
