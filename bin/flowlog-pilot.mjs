#!/usr/bin/env node
// The published entry point: dist/ is built by `npm install` (the prepare script) or `npm run build`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('flowlog-pilot: dist/cli.mjs is missing; run `npm run build` in the package folder\n');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
