const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Every `rules/` folder under `dir`: each stage's, each labeling backend's, the kernel's. */
const rulesFolders = (dir) =>
  readdirSync(join(__dirname, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.name === 'rules' ? [path] : rulesFolders(path);
    });

/** Jest runs TypeScript through swc (fast, no type-check: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // middy and aws-local-stepfunctions ship ESM only; let swc turn them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|aws-local-stepfunctions)/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testTimeout: 60_000,
  // With --coverage (CI): the Lambda code, gated; domain logic is held to a higher bar than adapters.
  collectCoverageFrom: ['functions/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: {
    global: { lines: 95, branches: 80 },
    // Each rules/ folder as a whole (a directory key aggregates; a glob would gate every file alone).
    ...Object.fromEntries(rulesFolders('functions').map((dir) => [`./${dir}/`, { lines: 98, branches: 80 }])),
  },
};
