/** Unit tests (pure src/geo, no database) and integration tests (real PostGIS, real HTTP). */
// type checking is tsc's job (scripts/prepare.sh builds first); tests only transpile, which is much faster
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/security', '<rootDir>/test/e2e'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['reflect-metadata'],
    },
  ],
  testTimeout: 60000,
  // integration files share one database and truncate it; they run one at a time
  maxWorkers: 1,
};
