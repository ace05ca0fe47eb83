// ESM mode: the @actions and @octokit packages ship only ES modules.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Fails a test that prints `::warning::` and the like, which GitHub would annotate.
  setupFilesAfterEnv: ['<rootDir>/__fixtures__/quiet-stdout.ts'],
  // One temporary root per run, removed at its end: a run leaves nothing in the temp folder.
  globalSetup: '<rootDir>/__fixtures__/temp-root.mjs',
  globalTeardown: '<rootDir>/__fixtures__/temp-root-teardown.mjs',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // In-process tests only: the end-to-end tests run dist/ in child processes, which jest
  // cannot see, so this figure understates what the suite exercises.
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageDirectory: 'coverage',
  testTimeout: 60000,
  verbose: false
}
