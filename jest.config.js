// ESM jest with ts-jest: type checking is left to `npm run typecheck` (tsc), so ts-jest only
// transpiles (tsconfig.json's isolatedModules) and the suite stays fast on two cores.
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  transformIgnorePatterns: ['node_modules/(?!(@actions)/)'],
};

// Three projects so each gets what it needs and nothing more: pure unit tests keep jest's default
// per-test timeout (a slow one is a bug to see); tests against real servers get the generous hang
// guard of test/harness/timeouts.ts; only those provision the emulator, and only the end-to-end
// tests resolve the Node that runs dist/ (Node 24, required when CI=true).
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'emulator',
      testMatch: ['<rootDir>/test/aws/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/harness/server-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup-e2e.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/harness/server-timeout.ts'],
    },
  ],
  maxWorkers: 2,
  // The SDK's keep-alive sockets and child servers can outlive a file by a moment; do not hang CI on them.
  forceExit: true,
};
