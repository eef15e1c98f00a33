// Resolves the real dependencies once for every worker: RabbitMQ and MongoDB (required in CI;
// locally a missing MongoDB makes its tests print why they skip).
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const harness = path.join(__dirname, 'service-kit/dist/testing/index.js');
  if (!fs.existsSync(harness)) throw new Error('service-kit is not built: run `npm run build` (or `npm test`, which builds first)');
  const { resolveRabbitMq, resolveMongo } = require(harness);
  const rabbit = await resolveRabbitMq(process.env);
  process.env.AMQP_URL = rabbit.url;
  const mongo = await resolveMongo(process.env);
  if ('skipReason' in mongo) {
    if (process.env.CI === 'true') throw new Error(`[test setup] MongoDB is required in CI: ${mongo.skipReason}`);
    process.env.ORDERPULSE_MONGO_SKIP = mongo.skipReason;
  } else {
    process.env.MONGO_URL = mongo.url;
    if (mongo.binary) process.env.FERRETDB_BIN = mongo.binary;
    if (mongo.postgresUrl) process.env.FERRETDB_POSTGRES_URL = mongo.postgresUrl;
  }
  process.stdout.write(
    `\n[test setup] RabbitMQ: ${rabbit.source}; MongoDB: ${'skipReason' in mongo ? `skipped (${mongo.skipReason})` : `${mongo.version}, ${mongo.source} at ${mongo.url}`}\n`,
  );
  globalThis.__ORDERPULSE_DEPS__ = [rabbit, mongo];
};
