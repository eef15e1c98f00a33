module.exports = {
  ...require('../jest.preset.js')(__dirname),
  // Finds the PostgreSQL the repository tests use (or why they skip); runs after the root globalSetup.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
};
