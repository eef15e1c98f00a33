// Resolves the real dependencies once for every worker: RabbitMQ (required) and MongoDB
// (optional; its tests print why they skip when none is reachable).
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const harness = path.join(__dirname, 'service-kit/dist/testing/index.js');
  if (!fs.existsSync(harness)) throw new Error('service-kit is not built: run `npm run build` (or `npm test`, which builds first)');
  const { resolveRabbitMq, resolveMongo } = require(harness);
  const rabbit = await resolveRabbitMq(process.env);
  process.env.AMQP_URL = rabbit.url;
  const mongo = await resolveMongo(process.env);
  if ('skipReason' in mongo) process.env.ORDERPULSE_MONGO_SKIP = mongo.skipReason;
  else process.env.MONGO_URL = mongo.url;
  process.stdout.write(
    `\n[test setup] RabbitMQ: ${rabbit.source}; MongoDB: ${'skipReason' in mongo ? `skipped (${mongo.skipReason})` : mongo.source}\n`,
  );
  globalThis.__ORDERPULSE_DEPS__ = [rabbit, mongo];
};
