// Jest runs every package's tests against the TypeScript sources (swc transform);
// @tracesim/* imports resolve to packages/*/src, not to the built dist.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: { '^@tracesim/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/'],
  testTimeout: 300000,
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.js"],
};
