import { join } from 'node:path';
import { JournaledMap } from '@orderpulse/service-kit';
import { createInMemoryMailStore } from './in-memory-mail-store.js';
import type { MailIntent, MailStore, Recipient } from './mail-store.js';

/** The zero-setup store, journaled to `<dir>/*.jsonl`: the ledger and the directory survive a restart without a database. One process per directory. */
export function openJournaledMailStore(dir: string): MailStore {
  const intents = JournaledMap.open<MailIntent>(join(dir, 'mails.jsonl'));
  const recipients = JournaledMap.open<Recipient>(join(dir, 'recipients.jsonl'));
  return createInMemoryMailStore({ intents, recipients }, () => {
    intents.close();
    recipients.close();
  });
}
