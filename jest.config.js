/** `npm test` runs every workspace's tests as one Jest run; real dependencies are resolved once. */
module.exports = {
  projects: ['contracts', 'service-kit', 'orders-service', 'delivery-service', 'notifier-service', 'mail-service', 'broker', 'web-client', 'e2e', 'bench'].map(
    (dir) => `<rootDir>/${dir}`,
  ),
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  maxWorkers: 2,
  // A global option: per-project configs cannot set it.
  testTimeout: 30_000,
};
