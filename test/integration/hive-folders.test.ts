import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { SampleManifest } from '../../src/sample/generate.js';
import { bufferedIo } from '../support/cli-io.js';

/** Flow logs created with Hive-compatible S3 prefixes, end to end through the command line on DuckDB. */
describe('flow logs with Hive-compatible S3 prefixes', () => {
  let dir: string;
  let manifest: SampleManifest;
  const run = async (...args: string[]) => {
    const io = bufferedIo(dir);
    const code = await main(args, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlog-hive-'));
    expect((await run('sample', '--out', 'bucket', '--date', '2026-11-24', '--days', '8', '--records', '2000', '--hive')).code).toBe(0);
    manifest = JSON.parse(await readFile(join(dir, 'bucket', 'sample-manifest.json'), 'utf8')) as SampleManifest;
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the sample is written with --hive, every day folder is named year=/month=/day= under aws-account-id=/aws-service=/aws-region=', () => {
    expect(manifest.folders.map((f) => f.path)).toContain('AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=ap-northeast-1/year=2026/month=11/day=24/');
    expect(
      manifest.folders.every((f) => /^AWSLogs\/aws-account-id=\d{12}\/aws-service=vpcflowlogs\/aws-region=[a-z0-9-]+\/year=\d{4}\/month=\d{2}\/day=\d{2}\/$/.test(f.path)),
    ).toBe(true);
  });

  it('when partitions are added, the source is found by its Hive-style folders and the count is every record written', async () => {
    const added = await run('partitions', 'add', '--data', 'bucket', '--state', 'state', '--from', '2026-11-17', '--to', '2026-11-24');
    const counted = await run('query', '--data', 'bucket', '--state', 'state', '--format', 'json', 'SELECT count(*) AS records FROM vpc_flow_logs');

    expect(added.code).toBe(0);
    expect(added.out).toContain('Added 8 partitions');
    expect(JSON.parse(counted.out)).toEqual([{ records: manifest.records }]);
  });

  it("when the report runs with the sample's watchlist, it finds every injected incident", async () => {
    const watchlist = new URL('../../examples/watchlist.txt', import.meta.url).pathname;
    const report = await run('report', '--data', 'bucket', '--state', 'state', '--date', '2026-11-24', '--format', 'json', '--watchlist', watchlist);

    expect(report.code).toBe(0);
    const rules = new Set((JSON.parse(report.out) as { findings: { rule: string }[] }).findings.map((f) => f.rule));
    expect(rules).toEqual(new Set(manifest.incidents.map((i) => i.rule)));
  });
});

describe('flow logs delivered per hour', () => {
  it('when each day holds HH/ folders, the day partition still reads every file below it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flowlog-hourly-'));
    try {
      const io = bufferedIo(dir);
      expect(await main(['sample', '--out', 'bucket', '--date', '2026-11-24', '--days', '2', '--records', '1500', '--per-hour'], io)).toBe(0);
      const manifest = JSON.parse(await readFile(join(dir, 'bucket', 'sample-manifest.json'), 'utf8')) as SampleManifest;
      expect(manifest.folders[0]?.files.every((name) => /^\d{2}\/\d{12}_vpcflowlogs_/.test(name))).toBe(true);

      expect(await main(['partitions', 'add', '--data', 'bucket', '--state', 'state', '--from', '2026-11-23', '--to', '2026-11-24'], io)).toBe(0);
      const counted = bufferedIo(dir);
      expect(
        await main(['query', '--data', 'bucket', '--state', 'state', '--format', 'json', 'SELECT dt, count(*) AS records FROM vpc_flow_logs GROUP BY dt ORDER BY dt'], counted),
      ).toBe(0);

      expect(JSON.parse(counted.stdout())).toEqual(manifest.folders.map((f) => ({ dt: f.day.replaceAll('-', '/'), records: f.records })));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
