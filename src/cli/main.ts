import { describeError } from '../lib/answers.js';
import { UsageError } from '../lib/errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { didYouMean } from './suggest.js';
import { packageVersion } from './version.js';
import type { CliIo, Command } from './command.js';
import { wantsHelp } from './command.js';
import { demoCommand } from './commands/demo.js';
import { partitionsCommand } from './commands/partitions.js';
import { queryCommand } from './commands/query.js';
import { reportCommand } from './commands/report.js';
import { sampleCommand } from './commands/sample.js';

const COMMANDS: readonly Command[] = [sampleCommand, partitionsCommand, queryCommand, reportCommand(), demoCommand(() => COMMANDS)];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 8);
  return [
    'flowlog-pilot: VPC Flow Logs partitions, queries and reports, on Athena or locally on DuckDB',
    '',
    'Usage: flowlog-pilot <command> [options]   (every command has --help)',
    '       flowlog-pilot --version',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage (unknown command or flag), 3 report made but a notification',
    'failed, 4 report --fail-on found something at or above that severity.',
    '',
  ].join('\n');
}

export function defaultIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    errIsTTY: process.stderr.isTTY === true,
  };
}

/** Runs one command; returns the exit code. Every error becomes one line naming the problem. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`flowlog-pilot ${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const names = COMMANDS.map((c) => c.name);
    const kind = name.startsWith('-') ? 'option' : 'command';
    io.err(`flowlog-pilot: unknown ${kind} ${JSON.stringify(name)}${didYouMean(name, name.startsWith('-') ? ['--help', '--version'] : names)}; see flowlog-pilot --help\n`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    io.out(`${command.usage.trimEnd()}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`flowlog-pilot ${command.name}: ${describeError(error)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}
