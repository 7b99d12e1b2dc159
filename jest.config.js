// Tests are type-checked and compiled by `tsc -b` (see `npm test`); jest runs the compiled
// JavaScript with source maps, which is faster than transpiling again and keeps one compiler.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib/test'],
  testMatch: ['**/*.test.js'],
  testPathIgnorePatterns: ['/cluster/'],
  testTimeout: 120000,
  // Prints one line per skipped group (no upstream reference, no Helm and no Go to build it).
  globalSetup: '<rootDir>/lib/test/support/global-setup.js',
};
