/**
 * The AWS stand-ins some tests run: `cfn-lint` (CloudFormation linter) and `moto_server` (S3, Glue,
 * SNS, SQS, SSM over HTTP on 127.0.0.1), both from Python (`pip install cfn-lint "moto[server]"`).
 * Found on PATH or in pyenv's shims folder. In CI (env CI set) a missing tool fails the test that
 * needs it; elsewhere the test is skipped, saying which tool is missing and how to get it.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PYENV_SHIMS = '/root/.pyenv/shims';
export const INSTALL_HINT = 'pip install cfn-lint "moto[server]"';

export type AwsTool = 'cfn-lint' | 'moto_server';

const found = new Map<AwsTool, string | undefined>();

/** The tool's path, or undefined when neither PATH nor pyenv's shims have a working one. */
export function findTool(tool: AwsTool): string | undefined {
  if (found.has(tool)) return found.get(tool);
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), PYENV_SHIMS];
  const path = dirs.map((dir) => join(dir, tool)).find((candidate) => isExecutable(candidate) && works(candidate));
  found.set(tool, path);
  return path;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A pyenv shim exists even when the active Python lacks the package: ask it for its help. */
function works(path: string): boolean {
  return spawnSync(path, ['--help'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/**
 * Why a test needing these tools cannot run here, or undefined when they are all present.
 * In CI a missing tool is an error, not a skip.
 */
export function missingToolReason(...tools: AwsTool[]): string | undefined {
  const missing = tools.filter((tool) => findTool(tool) === undefined);
  if (missing.length === 0) return undefined;
  const reason = `${missing.join(' and ')} not found on PATH or in ${PYENV_SHIMS}; install with: ${INSTALL_HINT}`;
  if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(`CI needs ${reason}`);
  return reason;
}
