/** `node delete-namespace-cli.js <amqpUrl> <namespace> [queue…]`: used by cleanup.ts on an early exit. */
import { deleteAmqpNamespace } from '@orderpulse/service-kit/testing';

const [url, namespace, ...queues] = process.argv.slice(2);
if (!url || !namespace) {
  process.stderr.write('usage: delete-namespace-cli <amqpUrl> <namespace> [queue…]\n');
  process.exit(2);
}
deleteAmqpNamespace(url, namespace, queues).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
