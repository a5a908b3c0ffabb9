/** Jest runs TypeScript through SWC: fast, and type-checking stays in `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  testTimeout: 60_000,
};
