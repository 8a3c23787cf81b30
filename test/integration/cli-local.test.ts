import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferedIo } from '../support/cli-io.js';
import { ACCOUNT, flow, manyFlows, tempDirs, writeFlowLogFile, type TempDirs } from '../support/flow-log-files.js';

describe('flowlog-pilot partitions and query (local)', () => {
  let dirs: TempDirs;

  beforeEach(async () => {
    dirs = await tempDirs();
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-01', records: manyFlows(25) });
    await writeFlowLogFile({ dataDir: dirs.dataDir, day: '2026-11-02', records: [flow({ action: 'REJECT' })] });
  });
  afterEach(async () => {
    await dirs.remove();
  });

  it('when partitions are added for a range, it prints each day as added, then as already registered on a second run', async () => {
    // Prepare
    const first = bufferedIo(dirs.root);
    const second = bufferedIo(dirs.root);
    const flags = ['--data', 'data', '--state', 'state'];

    // Act
    const firstCode = await main(['partitions', 'add', '--from', '2026-11-01', '--to', '2026-11-03', ...flags], first);
    const secondCode = await main(['partitions', 'add', '--date', '2026-11-02', ...flags], second);

    // Assess
    expect(firstCode).toBe(0);
    expect(first.stdout()).toContain(`2026/11/01  ${ACCOUNT} ap-northeast-1`);
    expect(first.stdout().match(/ added\n/g)).toHaveLength(3);
    expect(first.stdout()).toContain('Added 3 partitions, 0 already registered (2026-11-01..2026-11-03, 1 source');
    expect(secondCode).toBe(0);
    expect(second.stdout()).toMatch(/2026\/11\/02 .* already registered\n/);
    expect(second.stdout()).toContain('Added 0 partitions, 1 already registered');
  });

  it('when a dry run is asked, it adds nothing and a listing stays empty', async () => {
    // Prepare
    const dry = bufferedIo(dirs.root);
    const listing = bufferedIo(dirs.root);

    // Act
    await main(['partitions', 'add', '--date', '2026-11-01', '--dry-run', '--data', 'data', '--state', 'state'], dry);
    const code = await main(['partitions', 'list', '--data', 'data', '--state', 'state'], listing);

    // Assess
    expect(dry.stdout()).toContain('would add');
    expect(code).toBe(0);
    expect(listing.stdout()).toBe('0 partitions registered.\n');
  });

  it('when a query runs before and after partitions add, it prints zero then the real count, in the chosen format', async () => {
    // Prepare
    const flags = ['--data', 'data', '--state', 'state'];
    const before = bufferedIo(dirs.root);
    const after = bufferedIo(dirs.root);
    const listed = bufferedIo(dirs.root);

    // Act
    await main(['query', 'SELECT count(*) AS n FROM vpc_flow_logs', '--format', 'json', ...flags], before);
    await main(['partitions', 'add', '--from', '2026-11-01', '--to', '2026-11-02', ...flags], bufferedIo(dirs.root));
    const code = await main(['query', 'SELECT action, count(*) AS n FROM flowlogs.vpc_flow_logs GROUP BY action ORDER BY action', '--format', 'csv', ...flags], after);
    await main(['partitions', 'list', '--from', '2026-11-02', '--to', '2026-11-30', ...flags], listed);

    // Assess
    expect(JSON.parse(before.stdout())).toEqual([{ n: 0 }]);
    expect(code).toBe(0);
    expect(after.stdout()).toBe('"action","n"\n"ACCEPT","25"\n"REJECT","1"\n');
    expect(listed.stdout()).toMatch(/^dt=2026\/11\/02 {2}.*\/2026\/11\/02\/\n1 partition registered from 2026-11-02 to 2026-11-30\.\n$/);
  });

  it('when more rows exist than --max-rows, it prints that many and says how many were left out on stderr', async () => {
    // Prepare
    const io = bufferedIo(dirs.root);
    await main(['partitions', 'add', '--date', '2026-11-01', '--data', 'data', '--state', 'state'], bufferedIo(dirs.root));

    // Act
    const code = await main(['query', 'SELECT sourceaddress FROM vpc_flow_logs ORDER BY sourceaddress', '--max-rows', '3', '--data', 'data', '--state', 'state'], io);

    // Assess
    expect(code).toBe(0);
    expect(io.stdout()).toContain('(3 rows)');
    expect(io.stderr()).toBe('22 more rows not shown (--max-rows 3)\n');
  });

  it.each([
    [['partitions', 'add', '--from', '2026-11-05', '--to', '2026-11-01'], /flowlog-pilot partitions: --to: range is reversed/],
    [['partitions', 'add', '--date', '2026-02-30'], /2026-02-30 is not a real calendar day/],
    [['partitions', 'add'], /give --date/],
    [['partitions', 'add', '--date', '2026-11-01', '--table', 'Bad-Name'], /--table must be an Athena name/],
    [['query', 'SELEC 1'], /flowlog-pilot query: Parser Error/],
    [['query', 'SELECT 1', '--format', 'xml'], /--format: expected one of table, csv, json/],
    [['query', 'SELECT 1', '--data', 'missing'], /the data folder .*missing does not exist/],
  ])('when run with %j, it exits non-zero with one line naming the problem', async (args, problem) => {
    // Prepare
    const io = bufferedIo(dirs.root);

    // Act
    const code = await main([...args, ...(args.includes('--data') ? [] : ['--data', 'data']), '--state', 'state'], io);

    // Assess
    expect(code).not.toBe(0);
    expect(io.stderr()).toMatch(problem);
    expect(io.stderr().trimEnd().split('\n')).toHaveLength(1);
  });
});
