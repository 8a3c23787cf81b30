import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../lib/errors.js';
import { didYouMean } from './suggest.js';

/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is a terminal: progress is drawn as a bar there, one line per step elsewhere. */
  readonly errIsTTY?: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text, printed by `--help`. */
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses flags strictly: an unknown flag (with the likely one it meant) or a missing value is a usage error naming it. */
export function parseFlags<O extends Options>(args: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const flags = [...Object.keys(options).map((name) => `--${name}`), '--help'];
      throw new UsageError('arguments', `unknown option '${unknown}'${didYouMean(unknown, flags)}`);
    }
    throw new UsageError('arguments', message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
