import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs the project's own `serverless` (osls) with nothing that can leave the machine: fake
 * credentials, no instance-metadata lookup, no telemetry, and proxies pointing at a closed local
 * port so that any request fails at once instead of hanging. Used by the package and invoke-local
 * tests and by the benchmark.
 */
export async function runServerlessOffline(root: string, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}, timeoutMs = 300_000): Promise<{ stdout: string; stderr: string }> {
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
  return promisify(execFile)(process.execPath, [serverless, ...args], { cwd: root, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
}
