// Runs bench/scan-once.ts on its own: bundles it with the SQL plugin into a temporary file, then
// runs it. Usage: node bench/run-scan-once.mjs [records per day]
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sqlEsbuildPlugin } from '../scripts/sql-module.mjs';

const dir = mkdtempSync(join(tmpdir(), 'flowlog-bench-'));
const outfile = join(process.cwd(), 'dist', 'scan-once.mjs');
await build({
  entryPoints: ['bench/scan-once.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [sqlEsbuildPlugin()],
  logLevel: 'warning',
});
try {
  const { benchScanOnce } = await import(pathToFileURL(outfile).href);
  const result = await benchScanOnce({ records: Number(process.argv[2] ?? 200_000), workDir: dir, log: (line) => console.log(line) });
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
