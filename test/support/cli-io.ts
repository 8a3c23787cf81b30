import type { CliIo } from '../../src/cli/command.js';

/** A CLI io that keeps what the command printed, for in-process runs of `main`. */
export function bufferedIo(cwd: string, env: Readonly<Record<string, string | undefined>> = {}): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    env,
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}
