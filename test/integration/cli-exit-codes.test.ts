import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { PartitionCatalog, QueryEngine } from '../../src/lib/ports.js';
import { bufferedIo } from '../support/cli-io.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, type TestEngine } from '../support/flow-log-files.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/** Runs the published entry point (bin/flowlog-pilot.mjs over dist/) as a user would. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/flowlog-pilot.mjs', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('flowlog-pilot exit codes (the real process)', () => {
  beforeAll(async () => {
    await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  }, 120_000);

  it('when no command is given, it prints the overview and exits 2 (usage error)', async () => {
    const result = await cli([]);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain('report');
  });

  it('when the command is unknown, it names it and exits 2', async () => {
    const result = await cli(['reprot']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe('flowlog-pilot: unknown command "reprot"; did you mean report?; see flowlog-pilot --help\n');
  });

  it('when --help is asked, it exits 0', async () => {
    expect((await cli(['--help'])).code).toBe(0);
  });
});

describe('flowlog-pilot report exit code', () => {
  let open: TestEngine | undefined;
  afterEach(() => {
    open?.close();
    open = undefined;
  });

  it('when one saved query fails and the others succeed, the report is printed and the exit code is 1', async () => {
    const day = Date.parse('2026-11-20T00:00:00Z') / 1000;
    open = await new FlowBucket().write([flowLine({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, start: day + 600 })]).open();
    const real = open.engine;
    const failing: QueryEngine = {
      kind: real.kind,
      execute: (sql, options) => (options?.label === 'port-scan' ? Promise.reject(new Error('Query exhausted resources at this scale factor')) : real.execute(sql, options)),
    };
    const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
    const catalog: PartitionCatalog = {
      describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
      listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
    };
    const io = bufferedIo(root);

    const code = await reportCommand((job) => async () => ({ config: job.core, engine: failing, catalog, layout, notifiers: [], close: async () => {} })).run(
      ['--data', '/srv/flowlogs', '--date', '2026-11-20'],
      io,
    );

    expect(code).toBe(1);
    expect(io.stdout()).toContain('port-scan');
  });
});
