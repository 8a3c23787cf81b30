import { describeError } from '../lib/answers.js';
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
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export function defaultIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Runs one command; returns the exit code. Every error becomes one line naming the problem. */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(overview());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`flowlog-pilot: unknown command ${JSON.stringify(name)}; see flowlog-pilot --help\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    io.out(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`flowlog-pilot ${command.name}: ${describeError(error)}\n`);
    return 1;
  }
}
