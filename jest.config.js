/** Jest runs TypeScript through SWC: fast, and type-checking stays in `npm run typecheck`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault matrix, the week-long rollout and their demonstrations take minutes: `npm run test:faults`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  testTimeout: 60_000,
};
