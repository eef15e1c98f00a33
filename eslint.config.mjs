// ESLint for the TypeScript tree: the recommended rules, plus the type-aware ones that catch
// what the compiler does not (promises nobody awaits or that reach a callback expecting void,
// values typed any flowing on). Type information comes from each package's tsconfig.test.json
// (src and test), the browser apps' and the service worker's own configs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const packages = ['contracts', 'service-kit', 'orders-service', 'delivery-service', 'notifier-service', 'mail-service', 'broker', 'e2e', 'launcher', 'bench'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/build/**', '**/node_modules/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'web-client/vite.config.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: [
          ...packages.map((p) => `${p}/tsconfig.test.json`),
          'web-client/tsconfig.test.json',
          'web-client/tsconfig.apps.json',
          'web-client/tsconfig.sw.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read HTTP and MQTT bodies, typed any by supertest and JSON.parse, and assert on them.
    files: ['*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
