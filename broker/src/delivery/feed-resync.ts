import { topicMatches } from '@orderpulse/contracts';
import type { Logger } from '@orderpulse/service-kit';
import { closeClients, type ClosableClient } from './close-clients.js';

/** The parts of an aedes client read here. */
export interface FeedWatcher extends ClosableClient {
  subscriptions: Record<string, unknown>;
}

export interface FeedResyncOptions {
  aedes: { clients: Record<string, FeedWatcher> };
  logger: Logger;
  /** Topics published neither retained nor queued, whose watchers rebuild their view on reconnecting (e.g. `admin/orders`). */
  feeds: readonly string[];
  /** Called with how many clients were closed (metrics). */
  onResynced?: (clients: number) => void;
}

/**
 * A feed line (`admin/orders`: an order created, a status changed, a rider's position) published
 * through another broker while this broker's Redis subscription was away never reaches this
 * broker's watchers: it is not retained, so the retained resend cannot make up for it, and a
 * console's session is clean, so nothing is queued for it. The admin console reloads its order
 * table and its fleet over HTTP whenever its connection comes back (web-client console-page.ts),
 * so once the subscription is back every connected client watching a feed is closed: its
 * reconnect, a second later, rebuilds what the missed lines would have changed. The lines
 * themselves are not replayed (the console's feed list keeps a gap). Runs after every
 * restored subscription, also with one broker on Redis, where nothing was missed: it cannot know
 * whether another broker published meanwhile.
 */
export function createFeedResync({ aedes, logger, feeds, onResynced }: FeedResyncOptions): () => number {
  const watches = (client: FeedWatcher) => Object.keys(client.subscriptions).some((filter) => feeds.some((feed) => topicMatches(filter, feed)));
  return () => {
    const closed = closeClients(aedes.clients, watches);
    onResynced?.(closed.length);
    if (closed.length > 0) {
      logger.info({ clients: closed, feeds }, 'redis subscription restored: feed watchers closed so that they reconnect and reload what they may have missed');
    }
    return closed.length;
  };
}
