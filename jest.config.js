/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Fixture projects (e.g. the consumer app the package test installs) carry their own tests.
  testPathIgnorePatterns: ['/node_modules/', '/fixtures/'],
  // Sucrase strips types without the TypeScript compiler API (TypeScript 7 has none) and is
  // pure JavaScript: @swc/jest and Jest 30 pull per-platform binaries that the registry
  // mirror lacks for other platforms, which makes `npm ci` reject the lock file.
  // `tsc --noEmit` type-checks as its own step in `npm test`.
  transform: { '^.+\\.tsx?$': '@sucrase/jest-plugin', '/node_modules/jose/.+\\.js$': '@sucrase/jest-plugin' },
  // jose 6 ships ES modules only; Node loads them natively, Jest's CommonJS runtime needs them transformed.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // The package's own subpath exports, as users import them (Node and esbuild resolve these
  // self-references natively; Jest's resolver needs the map).
  moduleNameMapper: {
    '^switchyard$': '<rootDir>/lib/index.ts',
    '^switchyard/(runtime|testing|patterns)$': '<rootDir>/lib/$1/index.ts',
  },
  testTimeout: 60000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
