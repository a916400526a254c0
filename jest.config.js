// ESM jest with ts-jest: type checking is left to `npm run typecheck` (tsc), so ts-jest only
// transpiles and the suite stays fast on two cores.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
  },
  transformIgnorePatterns: ['node_modules/(?!(@actions)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/harness/global-setup.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
  // The SDK's keep-alive sockets and child servers can outlive a file by a moment; do not hang CI on them.
  forceExit: true,
};
