#!/usr/bin/env node
import { namespaced } from '../amqp/topology.js';
import { listDeadLetters, replayDeadLetters } from '../amqp/dead-letters.js';

const USAGE = `usage: npm run dlq -- list <queue> [limit]     show what is in <queue>.dlq (nothing is removed)
       npm run dlq -- replay <queue> [limit]   move messages from <queue>.dlq back onto <queue>
queues: notifier, orders-service.delivery, delivery-service.orders
env: AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), AMQP_NAMESPACE (default none)`;

async function main(argv: string[]): Promise<number> {
  const [command, name, limitText] = argv;
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (!name || (command !== 'list' && command !== 'replay') || (limit !== undefined && !(Number.isInteger(limit) && limit > 0))) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const queue = namespaced(process.env.AMQP_NAMESPACE ?? '', name);
  if (command === 'list') {
    const { total, shown } = await listDeadLetters(url, queue, limit);
    process.stdout.write(`${queue}.dlq holds ${total} message(s)${total > shown.length ? `; the first ${shown.length}:` : ''}\n`);
    for (const letter of shown) process.stdout.write(`${JSON.stringify(letter)}\n`);
    return 0;
  }
  const moved = await replayDeadLetters(url, queue, limit);
  process.stdout.write(`moved ${moved} message(s) from ${queue}.dlq back to ${queue}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`dlq: ${err.message}\n`);
    process.exit(1);
  },
);
