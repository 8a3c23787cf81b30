// Builds the command-line tool and the benchmark into dist/. The Lambda bundles are built by
// serverless-esbuild from serverless.yml with the same SQL plugin.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { sqlEsbuildPlugin } from './sql-module.mjs';

const entryPoints = { cli: 'src/cli/main.ts' };
if (existsSync('bench/main.ts')) entryPoints.bench = 'bench/main.ts';

await build({
  entryPoints,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Dynamic imports become chunks loaded on use: a command that needs no DuckDB does not load it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  plugins: [sqlEsbuildPlugin()],
  logLevel: 'warning',
});
