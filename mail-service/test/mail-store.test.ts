import { describeIfAvailable, mongoTestTarget } from '@orderpulse/service-kit/testing/suites';
import { describeMailStoreContract } from './support/mail-store-contract.js';
import { openInMemory, openJournaled, openMongo } from './support/mail-store-adapters.js';

describeMailStoreContract('in-memory', openInMemory, { reopens: false });
describeMailStoreContract('journaled files', openJournaled, { reopens: true });

const mongo = mongoTestTarget();
describeIfAvailable('mail-service on MongoDB', 'missing' in mongo ? mongo.missing : undefined, () => {
  const url = 'url' in mongo ? mongo.url : '';
  describeMailStoreContract('mongoose', () => openMongo(url), { reopens: true });
});
