// Lint configuration. The important rule is the dependency direction of STYLE.md:
// core ← store ← services ← http | cli | workers ← runtime. Each layer may import only
// the layers to its left; src/core imports nothing outside itself (no node:, no packages).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => `(^|/)${name}(/|\\.ts$|$)`;
const forbid = (names, message) => ({
  'no-restricted-imports': [
    'error',
    { patterns: names.map((n) => ({ regex: `^\\.{1,2}/.*${layer(n)}`, message })) },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'dist/', 'console/dist/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\.)', message: 'src/core is pure: no node: modules and no npm packages.' },
            { regex: '^\\.\\./\\.\\./', message: 'src/core must not import from outside src/core.' },
            {
              regex: `^\\.\\./(store|services|http|cli|workers|runtime|config)`,
              message: 'src/core must not import from outer layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // The expression language is pure like src/core: no node: modules, no packages, nothing outside itself.
    files: ['src/sync/expression/**/*.ts'],
    ignores: ['src/sync/expression/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!\\.)', message: 'src/sync/expression is pure: no node: modules and no npm packages.' },
            { regex: '^\\.\\./\\.\\./\\.\\./', message: 'src/sync/expression must not import from outside src/sync.' },
          ],
        },
      ],
    },
  },
  {
    // The sync engine sits beside the services: core, the Store port and services, never the edges.
    files: ['src/sync/**/*.ts'],
    ignores: ['src/sync/expression/**/*.ts'],
    rules: forbid(['http', 'cli', 'workers', 'runtime'], 'src/sync may import core, store and services, never http, cli, workers or runtime.'),
  },
  {
    files: ['src/store/**/*.ts'],
    rules: forbid(['services', 'http', 'cli', 'workers', 'runtime', 'config'], 'store may import only core.'),
  },
  {
    files: ['src/services/**/*.ts'],
    rules: forbid(['http', 'cli', 'workers', 'runtime', 'config'], 'services may import only core and store.'),
  },
  {
    files: ['src/http/**/*.ts', 'src/cli/**/*.ts', 'src/workers/**/*.ts'],
    rules: forbid(['runtime'], 'edges must not import the composition root.'),
  },
  {
    // The console talks to the server over HTTP only; its API types are generated from OpenAPI.
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+(src|test|bench|scripts)(/|$)', message: 'the console imports nothing from the server; it calls /api/v1.' }] },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Example applications are plain Node ESM.
    files: ['examples/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', setInterval: 'readonly', setTimeout: 'readonly' },
    },
  },
);
