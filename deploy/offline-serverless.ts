import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** How often a waiting run looks at the lock again. */
const LOCK_POLL_MS = 250;
/** A lock folder without its pid file for this long was left by a run that died while taking it. */
const LOCK_PID_GRACE_MS = 10_000;

/**
 * Runs the project's own `serverless` (osls) with nothing that can leave the machine: fake
 * credentials, no instance-metadata lookup, no telemetry, and proxies pointing at a closed local
 * port so that any request fails at once instead of hanging. Used by the package and invoke-local
 * tests and by the benchmark. One run at a time per project folder (serverless-esbuild builds into
 * the project's `.esbuild/`), so test files that package in parallel wait for each other.
 */
export async function runServerlessOffline(
  root: string,
  args: readonly string[],
  extraEnv: Readonly<Record<string, string>> = {},
  timeoutMs = 300_000,
): Promise<{ stdout: string; stderr: string }> {
  const serverless = createRequire(join(root, 'package.json')).resolve('osls/bin/serverless.js');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_REGION: 'ap-northeast-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
    ...extraEnv,
  };
  return withProjectLock(root, timeoutMs, () => promisify(execFile)(process.execPath, [serverless, ...args], { cwd: root, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }));
}

async function withProjectLock<T>(root: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  const lock = join(root, '.serverless-run.lock');
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > giveUpAt) throw new Error(`another serverless run holds ${lock}; waited ${timeoutMs} ms`);
      await sleep(LOCK_POLL_MS);
    }
  }
  try {
    // No cleaning of .esbuild/ here: the stack empties it itself (deploy/fresh-build.cjs), and the
    // tests see what a user's runs leave behind.
    return await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** True when the process that took the lock is gone. */
function isStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > LOCK_PID_GRACE_MS;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
