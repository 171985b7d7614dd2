/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // ESM only, so jest's CommonJS runtime needs them compiled: content-disposition (under @fastify/static),
  // cookie (under light-my-request), openid-client with oauth4webapi, oidc-provider (the tests' identity
  // provider, run in-process; its koa is CommonJS), and the jose v6 that those two each hold (the API's
  // own jose v5 is CommonJS and compiles unchanged).
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|openid-client|oauth4webapi|oidc-provider|jose)/)'],
  // One Temporal dev server, one fresh database and one workflow bundle for the whole run.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
