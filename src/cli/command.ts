import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ValidationError } from '../lib/errors.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text, printed by `--help`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly: an unknown flag or a missing value is an error naming it. */
export function parseFlags<O extends Options>(args: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new ValidationError('arguments', message.replace(/^Unknown option/, 'unknown option'));
  }
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
