// Lint: type-aware rules that catch what tsc does not — above all promises nobody awaits.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'reports/**', '.tmp/**', 'dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The report's page script: html.ts strips its types and inlines it as a classic <script> in a browser.
    // So no Node globals, no export, and only whole-statement type imports (erased; `import { type X }` is not).
    files: ['lib/report/browser/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'require', 'module', 'Buffer', 'global', '__dirname', '__filename'],
      'no-restricted-syntax': [
        'error',
        { selector: "ImportDeclaration[importKind!='type']", message: 'The page script runs as a classic script: use `import type` only.' },
        { selector: 'ExportNamedDeclaration, ExportDefaultDeclaration, ExportAllDeclaration', message: 'The page script runs as a classic script: no exports.' },
      ],
    },
  },
);
