/**
 * The report's lists on AWS: suppressions and the watchlist read from SSM parameters (String and
 * SecureString, through the real SDK client against moto_server on 127.0.0.1) or from a file
 * bundled with the function, and the report handler running with them on the local engine over
 * real gzip flow-log files. A list that cannot be read or holds a bad entry must show in the
 * report as a warning saying what it means, and the report still runs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { Notifier, PartitionCatalog } from '../../src/lib/ports.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadLists } from '../../src/lib/use-cases/load-lists.js';
import { awsListReader } from '../../src/lib/wiring/aws.js';
import { loadReportJobConfig } from '../../src/lib/report/report-config.js';
import { createReportHandler } from '../../src/handlers/report.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, type TestEngine } from '../support/flow-log-files.js';
import { useMotoServer } from '../support/moto-server.js';

const SUPPRESSIONS = `
- rule: port-scan
  source: 203.0.113.5/32
  reason: Vendor scan (SEC-42)
  expires: 2027-01-31
`;
const WATCHLIST = '198.51.100.0/24,known C2\n2001:db8:bad::/48,IPv6 C2\n';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flowlog-lists-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('report lists from SSM parameters and bundled files', () => {
  const { need } = useMotoServer();

  it('when the suppressions are a SecureString (YAML) and the watchlist a String (CIDR lines), both are read and parsed', async (ctx) => {
    // Prepare
    const ssm = new SSMClient(need(ctx).clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/suppressions', Type: 'SecureString', Value: SUPPRESSIONS, Overwrite: true }));
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/watchlist', Type: 'String', Value: WATCHLIST, Overwrite: true }));

    // Act
    const lists = await loadLists(
      awsListReader([root], () => ssm),
      { suppressions: { kind: 'parameter', name: '/flowlog-pilot/ci/suppressions' }, watchlist: { kind: 'parameter', name: '/flowlog-pilot/ci/watchlist' } },
    );

    // Assess
    expect(lists.warnings).toEqual([]);
    expect(lists.suppressions?.map((s) => [s.rule, s.sources.map((c) => c.text), s.reason])).toEqual([['port-scan', ['203.0.113.5/32'], 'Vendor scan (SEC-42)']]);
    expect(lists.watchlist?.map((w) => [w.cidr.text, w.label])).toEqual([
      ['198.51.100.0/24', 'known C2'],
      ['2001:db8:bad::/48', 'IPv6 C2'],
    ]);
  });

  it('when a parameter was changed, the next read gets the new list (nothing kept from the run before)', async (ctx) => {
    const ssm = new SSMClient(need(ctx).clientConfig);
    const reader = awsListReader([root], () => ssm);
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/changing', Type: 'String', Value: '198.51.100.0/24,first', Overwrite: true }));
    const before = await loadLists(reader, { watchlist: { kind: 'parameter', name: '/flowlog-pilot/ci/changing' } });
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/changing', Type: 'String', Value: '198.51.100.0/24,second', Overwrite: true }));
    const after = await loadLists(reader, { watchlist: { kind: 'parameter', name: '/flowlog-pilot/ci/changing' } });

    expect([before.watchlist?.[0]?.label, after.watchlist?.[0]?.label]).toEqual(['first', 'second']);
  });

  it('when a parameter is missing or holds a bad entry, the list is left out with a warning saying what that means', async (ctx) => {
    const ssm = new SSMClient(need(ctx).clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/bad-watchlist', Type: 'String', Value: '198.51.100.0/24,ok\n10.0.0.0/33,too wide\n', Overwrite: true }));

    const lists = await loadLists(
      awsListReader([root], () => ssm),
      { suppressions: { kind: 'parameter', name: '/flowlog-pilot/ci/none' }, watchlist: { kind: 'parameter', name: '/flowlog-pilot/ci/bad-watchlist' } },
    );

    expect(lists.suppressions).toBeUndefined();
    expect(lists.watchlist).toBeUndefined();
    expect(lists.warnings).toEqual([
      "SSM parameter /flowlog-pilot/ci/none could not be read (SSM parameter /flowlog-pilot/ci/none does not exist (create it with aws ssm put-parameter --type SecureString)); today's findings are not suppressed",
      'SSM parameter /flowlog-pilot/ci/bad-watchlist is not valid (SSM parameter /flowlog-pilot/ci/bad-watchlist: line 2: cidr: "10.0.0.0/33": the prefix length must be 0 to 32); the watchlist rule did not run',
    ]);
  });
});

describe('report lists from a bundled file', () => {
  it('when the file is in the function folder it is read; when it is missing, a warning names it', async () => {
    await writeFile(join(root, 'watchlist.txt'), WATCHLIST);
    const reader = awsListReader([root], () => {
      throw new Error('no SSM for files');
    });

    const found = await loadLists(reader, { watchlist: { kind: 'file', path: 'watchlist.txt' } });
    const missing = await loadLists(reader, { suppressions: { kind: 'file', path: 'config/suppressions.yml' } });

    expect(found.watchlist).toHaveLength(2);
    expect(missing.warnings).toEqual([
      "file config/suppressions.yml (bundled with the function) could not be read (config/suppressions.yml is not in the function's package (was it bundled? see the report function's package.patterns)); today's findings are not suppressed",
    ]);
  });
});

describe('report handler with lists in SSM', () => {
  const { need } = useMotoServer();
  const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
  const catalog: PartitionCatalog = {
    describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
    listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
  };
  const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000, functionName: 'report' } as unknown as Context;
  const day = Date.parse('2026-11-20T00:00:00Z') / 1000;
  const lines = [
    ...Array.from({ length: 120 }, (_, i) => flowLine({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: 2000 + i, action: 'REJECT', start: day + 3600 + i })),
    flowLine({ src: '10.0.1.20', dst: '198.51.100.9', dstPort: 443, start: day + 7200 }),
  ];
  let opened: TestEngine[] = [];
  afterEach(() => {
    for (const o of opened) o.close();
    opened = [];
  });

  async function run(ssm: SSMClient, settings: Record<string, string>): Promise<{ summary: Awaited<ReturnType<ReturnType<typeof createReportHandler>>>; sent: Report }> {
    const sent: Report[] = [];
    const notifier: Notifier = { channel: 'test', notify: async (report) => (sent.push(report), { channel: 'test', messageId: 'm-1', truncated: false }) };
    const job = loadReportJobConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports', ...settings });
    const lists = awsListReader([root], () => ssm);
    const open = async () => {
      const bucket = await new FlowBucket().write(lines).open();
      opened.push(bucket);
      return { config: job.core, engine: bucket.engine, catalog, layout, notifiers: [notifier], lists, close: async () => {} };
    };
    const handler = createReportHandler({ job, open, now: () => new Date('2026-11-21T01:00:00Z') });
    const summary = await handler({ date: '2026-11-20' }, context);
    return { summary, sent: sent[0] as Report };
  }

  it('when both parameters hold lists, the scanner is suppressed and the watchlisted destination is a high finding with its label', async (ctx) => {
    const ssm = new SSMClient(need(ctx).clientConfig);
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/suppressions', Type: 'SecureString', Value: SUPPRESSIONS, Overwrite: true }));
    await ssm.send(new PutParameterCommand({ Name: '/flowlog-pilot/ci/watchlist', Type: 'String', Value: WATCHLIST, Overwrite: true }));

    const { summary, sent } = await run(ssm, { FLOWLOG_SUPPRESSIONS_PARAMETER: '/flowlog-pilot/ci/suppressions', FLOWLOG_WATCHLIST_PARAMETER: '/flowlog-pilot/ci/watchlist' });

    expect(summary.findings).toEqual([{ rule: 'watchlist', severity: 'high', count: 1 }]);
    expect(sent.findings[0]?.rows.map((r) => [r.label, r.listed_address, r.sourceaddress])).toEqual([['known C2', '198.51.100.9', '10.0.1.20']]);
    expect(sent.suppressed?.map((s) => [s.rule, s.count, s.reason])).toEqual([['port-scan', 1, 'Vendor scan (SEC-42)']]);
    expect(sent.warnings).toEqual([]);
  });

  it('when the suppressions parameter is missing, the scanner is a finding again and the report says its findings are not suppressed', async (ctx) => {
    const ssm = new SSMClient(need(ctx).clientConfig);

    const { summary, sent } = await run(ssm, { FLOWLOG_SUPPRESSIONS_PARAMETER: '/flowlog-pilot/ci/gone' });

    expect(summary.findings).toEqual([{ rule: 'port-scan', severity: 'high', count: 1 }]);
    expect(sent.suppressed).toBeUndefined();
    expect(sent.warnings).toContain(
      "SSM parameter /flowlog-pilot/ci/gone could not be read (SSM parameter /flowlog-pilot/ci/gone does not exist (create it with aws ssm put-parameter --type SecureString)); today's findings are not suppressed",
    );
    // Without a watchlist the rule does not run at all.
    expect(sent.queries.map((q) => q.name)).not.toContain('watchlist');
  });
});
