import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error the build script's plugin is plain JavaScript
import { sqlEsbuildPlugin } from '../../scripts/sql-module.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BuiltCli {
  /** Runs the built command line as its own process, as a user's shell would (stdin closed, no terminal). */
  run(args: readonly string[], options?: { cwd?: string; env?: Readonly<Record<string, string>> }): Promise<CliRun>;
  remove(): Promise<void>;
}

/**
 * Builds the CLI the way scripts/build.mjs does, into a folder of its own under node_modules
 * (so test files running at once never overwrite each other's build, and packages resolve).
 */
export async function buildCli(): Promise<BuiltCli> {
  const outdir = await mkdtemp(join(ROOT, 'node_modules', '.cache-flowlog-cli-'));
  await build({
    entryPoints: { cli: join(ROOT, 'src/cli/main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [sqlEsbuildPlugin()],
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  // The same two lines as bin/flowlog-pilot.mjs, pointing at this build.
  const entry = join(outdir, 'run.mjs');
  await writeFile(entry, "const { main } = await import('./cli.mjs');\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return {
    run(args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [entry, ...args], {
          cwd: options.cwd ?? ROOT,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}
