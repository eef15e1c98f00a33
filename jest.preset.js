// Shared by every workspace's jest.config.js. Workspace packages resolve to their TypeScript
// source, so tests never run against stale builds; ESM-only packages are transformed to CJS.
const path = require('node:path');

const root = __dirname;
module.exports = (dir) => ({
  displayName: path.basename(dir),
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!(aedes|aedes-[a-z-]+|jose|p-limit|yocto-queue|mqemitter|hyperid)/)'],
  moduleNameMapper: {
    '^@orderpulse/contracts$': `${root}/contracts/src/index.ts`,
    '^@orderpulse/service-kit$': `${root}/service-kit/src/index.ts`,
    '^@orderpulse/service-kit/mqtt$': `${root}/service-kit/src/mqtt/index.ts`,
    '^@orderpulse/service-kit/testing$': `${root}/service-kit/src/testing/index.ts`,
    '^@orderpulse/service-kit/testing/(.+)$': `${root}/service-kit/src/testing/$1.ts`,
    '^@orderpulse/e2e/(harness|browser)$': `${root}/e2e/src/$1/index.ts`,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
});
