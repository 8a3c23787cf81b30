/**
 * Which local files count as flow-log data, through the CLI in-process on real DuckDB over real
 * gz files: hidden files are left out as Athena leaves them out, a CRLF header still reads, and a
 * file whose first line is not a header is skipped and named.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferedIo } from '../support/cli-io.js';
import { dayFolder, flowLogText, manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

let dirs: TempDirs;
const FLAGS = ['--data', 'data', '--state', 'state'];
const DAY = '2026-11-01';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferedIo(dirs.root);
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** Registers the day and counts its records through `query`. */
async function count(): Promise<{ n: number | undefined; err: string }> {
  await cli('partitions', 'add', '--date', DAY, ...FLAGS);
  const { code, out, err } = await cli('query', `SELECT count(*) AS n FROM vpc_flow_logs WHERE dt = '${DAY.replaceAll('-', '/')}'`, '--format', 'json', ...FLAGS);
  expect(code).toBe(0);
  return { n: (JSON.parse(out) as { n: number }[])[0]?.n, err };
}

/** Writes a gzip file of `text` into the day folder under `name`. */
async function writeRaw(name: string, text: string): Promise<void> {
  const folder = dayFolder(dirs.dataDir, DAY);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, name), gzipSync(text));
}

beforeEach(async () => {
  dirs = await tempDirs();
});
afterEach(async () => {
  await dirs.remove();
});

describe('local data files', () => {
  it('when a day folder holds files starting with _ or ., they are hidden as in Athena and not counted', async () => {
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, records: manyFlows(30), name: 'good' });
    await writeRaw('_copying.log.gz', flowLogText(manyFlows(7)));
    await writeRaw('.partial.log.gz', flowLogText(manyFlows(5)));

    const { n, err } = await count();

    expect(n).toBe(30);
    expect(err).toBe('');
  });

  it('when a file has Windows line ends (CRLF), its header is read without the \\r and every record counts', async () => {
    await writeRaw('crlf.log.gz', flowLogText(manyFlows(12)).replaceAll('\n', '\r\n'));

    const { n, err } = await count();

    expect(err).toBe('');
    expect(n).toBe(12);
  });

  it('when a file does not start with a flow-log header, it is skipped and named, and the good file still counts', async () => {
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: DAY, records: manyFlows(30), name: 'good' });
    const noHeader = flowLogText(manyFlows(9)).split('\n').slice(1).join('\n');
    await writeRaw('headless.log.gz', noHeader);

    const { n, err } = await count();

    expect(n).toBe(30);
    expect(err).toContain('headless.log.gz');
  });
});
