// Lint configuration. The important rule is the dependency direction of STYLE.md:
// core ← store ← services ← http | cli | workers ← build-scimd ← runtime. Each layer may import
// only the layers to its left; src/core imports nothing outside itself (no node:, no packages);
// src/sync sits beside services (core, services, the store port); console/ talks HTTP only.
// docs/architecture.md describes the layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A relative import whose path names the layer as a directory or file (`../http/app.ts`, `../../runtime.ts`).
const layer = (name) => `^(\\./)?(\\.\\./)+(.*/)?${name}(/|\\.ts$|$)`;
const forbid = (names, message) => ({
  'no-restricted-imports': [
    'error',
    { patterns: names.map((n) => ({ regex: layer(n), message })) },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'dist/', 'console/dist/', 'data/', '.scratch/'] },
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
    // Shared SQL code sees a dialect only through SqlCapabilities (json-sql.ts and the flags); the
    // dialect folders implement it. create-store.ts is the one place that picks a dialect.
    files: ['src/store/*.ts', 'src/store/sql/*.ts'],
    ignores: ['src/store/create-store.ts', 'src/store/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbid(['services', 'http', 'cli', 'workers', 'runtime', 'config'], 'store may import only core.')['no-restricted-imports'][1].patterns,
            { regex: '^\\.\\.?/(\\.\\./)*(store/)?(sqlite|postgres)/', message: 'shared store code must not import a dialect folder; add what differs to SqlCapabilities or JsonSql.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: layer('(http|cli|workers|runtime|config|build-scimd|mail)'), message: 'services may import only core and store (mail transports are adapters in src/mail/).' },
            { regex: '^nodemailer$', message: 'services import no mail transport: implement the MailTransport port in src/mail/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/http/**/*.ts', 'src/workers/**/*.ts'],
    rules: forbid(['runtime', 'build-scimd'], 'edges must not import the composition root.'),
  },
  {
    // The administration commands take their services from buildScimd; nothing else of the root.
    files: ['src/cli/**/*.ts'],
    rules: forbid(['runtime'], 'the CLI must not import the running server (runtime.ts); use buildScimd.'),
  },
  {
    // The sync engine sits beside the services: core, services and the Store port, never HTTP.
    files: ['src/sync/**/*.ts'],
    rules: forbid(['http', 'cli', 'workers', 'runtime', 'config', 'build-scimd'], 'src/sync may import only core, services and the store port.'),
  },
  {
    // The console is its own build and talks to the server over HTTP (/api/v1) only.
    files: ['console/**/*.{ts,tsx,js,jsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)src/', message: 'console/ imports nothing from src/: it talks to /api/v1 over HTTP.' }] },
      ],
    },
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
