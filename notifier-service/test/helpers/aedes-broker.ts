import type { AedesOptions } from 'aedes';
import { startAedes as startBroker, type InProcessBroker } from '@orderpulse/service-kit/testing/aedes';

export type { InProcessBroker };

/** service-kit's in-process broker; `port` 0 picks a free one, a previous port brings "the same" broker back. */
export function startAedes(port = 0, options: AedesOptions = {}): Promise<InProcessBroker> {
  return startBroker({ ...options, port });
}
