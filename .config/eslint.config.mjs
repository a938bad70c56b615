// ESLint (flat config) with typescript-eslint. Run through `npm run lint` (`eslint -c .config/eslint.config.mjs .`);
// CI runs it too. With `-c`, the patterns below are relative to the working directory: run it from the repository root.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeImport = {
  name: 'vscode',
  message: 'Only src/vscode and src/extension.ts may import vscode (core, feed, simulator and the webview stay pure).',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'media/screenshots/**', '**/*.d.ts'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    rules: {
      // TypeScript checks these (noUnusedLocals / noUnusedParameters, undefined names) with full type information.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-require-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Matching control characters is the point where we neutralise them (escapeInvisible, untrustedText).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/feed/**/*.ts', 'src/simulator/**/*.ts', 'media/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeImport] }] },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Event data is untrusted: use textContent.' },
        { property: 'outerHTML', message: 'Event data is untrusted: use textContent.' },
        { property: 'insertAdjacentHTML', message: 'Event data is untrusted: use textContent.' },
      ],
    },
  },
  {
    // the simulator CLI, tests and benches print on purpose
    files: ['src/simulator/cli.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' },
    },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
