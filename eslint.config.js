// ESLint flat config: typescript-eslint's recommended rules, a few type-aware checks that catch
// real bugs (promises left floating or passed where a callback is expected), and the import
// layers of src/lib as they are today (see "Development" in the README).
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

/** Each layer may import only from the layers listed after it (never up, never in a circle). */
const layers = {
  entry: ['src/cli', 'src/handlers'],
  // The composition roots: wiring/aws.ts for the Lambda functions, wiring/local.ts for the CLI.
  wiring: ['src/lib/wiring'],
  useCases: ['src/lib/use-cases'],
  // One folder per technology; aws/ holds the SDK client plumbing they share.
  adapters: [
    'src/lib/athena',
    'src/lib/glue',
    'src/lib/s3',
    'src/lib/sns',
    'src/lib/ssm',
    'src/lib/slack',
    'src/lib/duckdb',
    'src/lib/local',
    'src/lib/ec2',
    'src/lib/lambda',
    'src/lib/sts',
    'src/lib/aws',
  ],
};
// The domain: the report model and its decisions, the renderings, partitions, rollup, flow-log
// formats, SQL values, and the modules at the top of src/lib (ports, errors, dates, config, ...).
const domain = ['src/lib/report', 'src/lib/render', 'src/lib/partitions', 'src/lib/rollup', 'src/lib/flowlog', 'src/lib/sql', 'src/lib/*.ts'];
// src/sample (the sample generator) is a tool beside the library: it writes files, Parquet
// through DuckDB, so it may use the adapters; only the CLI and the benchmark import it.

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.serverless/', '.esbuild/', '.stryker-tmp/', 'reports/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `typeof import('...')` is how tests that reset modules name a module they load later.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // Library code never imports an entry point (the CLI or a Lambda handler).
            { target: ['src/lib', 'src/sample'], from: layers.entry, message: 'src/lib and src/sample must not import the CLI or a handler.' },
            // Only entry points and the composition roots build adapters; use cases and the
            // domain modules take ports.
            { target: [...layers.useCases, ...layers.adapters, ...domain], from: layers.wiring, message: 'Only entry points import the composition roots (src/lib/wiring).' },
            { target: [...layers.adapters, ...domain], from: layers.useCases, message: 'Adapters and domain modules do not import use cases.' },
            { target: domain, from: layers.adapters, message: 'Domain modules do not import adapters.' },
            { target: 'src/lib', from: 'src/sample', message: 'The sample generator is a tool for the CLI and the benchmark; the library does not import it.' },
            // import-x/no-cycle skips type-only imports, so the one cycle seen (ports.ts and the
            // report model, which ports.ts reads) is kept out by name: rows live in rows.ts.
            {
              target: ['src/lib/report/model.ts', 'src/lib/partitions/plan.ts', 'src/lib/rows.ts'],
              from: 'src/lib/ports.ts',
              message: 'ports.ts imports this module; import Row from src/lib/rows.ts instead.',
            },
          ],
        },
      ],
    },
  },
);
