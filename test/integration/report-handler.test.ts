import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { daysOf } from '../../src/lib/dates.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import { partitionsFor } from '../../src/lib/partitions/plan.js';
import type { InterfaceDirectory, Notifier, PartitionCatalog } from '../../src/lib/ports.js';
import type { Report } from '../../src/lib/report/model.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';
import { runReport } from '../../src/lib/use-cases/run-report.js';
import { createReportHandler, type ReportHandlerDeps } from '../../src/handlers/report.js';
import type { QueryEngine } from '../../src/lib/ports.js';
import { loadReportJobConfig } from '../../src/lib/report/report-config.js';
import { awsReportDeps } from '../../src/lib/wiring/aws.js';
import { ACCOUNT, FlowBucket, flowLine, REGION, type TestEngine } from '../support/flow-log-files.js';

const layout = layoutFor([{ account: ACCOUNT, region: REGION, root: sourceRoot('/data', '', ACCOUNT, REGION) }]);
const catalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs', partitionKeys: ['dt'], columns: [], location: undefined }),
  listPartitions: async (range) => partitionsFor(layout, daysOf(range)),
};
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000, functionName: 'report' } as unknown as Context;
const tokyoDay = Date.parse('2026-11-19T15:00:00Z') / 1000;
const lines = [
  ...Array.from({ length: 48 }, (_, i) => flowLine({ src: '198.51.100.4', dst: '10.0.1.10', dstPort: 443, start: tokyoDay - 6 * 3600 + i * 1800 })),
  ...Array.from({ length: 120 }, (_, i) => flowLine({ src: '203.0.113.5', dst: '10.0.1.10', dstPort: 2000 + i, action: 'REJECT', start: tokyoDay + 3600 + i })),
];
let opened: TestEngine[] = [];
afterEach(() => {
  for (const o of opened) o.close();
  opened = [];
});

async function localEngine() {
  const open = await new FlowBucket().write(lines).open();
  opened.push(open);
  return open;
}

/** A report without what differs between two runs of the same queries (timings, engine query ids). */
const comparable = (report: Report) => ({ ...report, queries: report.queries.map((q) => ({ ...q, durationMs: 0, queryId: undefined })) });

/** The handler's dependencies as a composition root gives them: these settings, and a context over this engine. */
function deps(settings: Record<string, string>, engine: () => Promise<QueryEngine>, notifiers: readonly Notifier[] = []): ReportHandlerDeps {
  const job = loadReportJobConfig(settings);
  return { job, open: async () => ({ config: job.core, engine: await engine(), catalog, layout, notifiers, close: async () => {} }) };
}

/** The same dependencies with an interface directory in each opened context, as the AWS root adds the interfaces function. */
function withInterfaces(base: ReportHandlerDeps, interfaces: InterfaceDirectory): ReportHandlerDeps {
  return { ...base, open: async () => ({ ...(await base.open()), interfaces }) };
}

function recordingNotifier(sent: Report[]): Notifier {
  return { channel: 'test', notify: async (report) => (sent.push(report), { channel: 'test', messageId: 'm-1', truncated: false }) };
}

describe('report handler: where each interface lives', () => {
  const settings = {
    FLOWLOG_ENGINE: 'local',
    FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokyo',
    FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports',
    FLOWLOG_INTERFACES_FUNCTION: 'flowlog-pilot-ci-interfaces',
  };
  const web = {
    interfaceId: 'eni-0a1b2c3d4e5f60718',
    privateAddresses: ['10.0.1.10'],
    instanceId: 'i-0abc1234567890def',
    name: 'web-1',
    securityGroups: [{ id: 'sg-0123456789abcdef0', name: 'web' }],
    subnetId: 'subnet-0aa',
    vpcId: 'vpc-0bb',
  };

  it('when the stack names its interfaces function, the published report places the private address its digests name, asked once with every name', async () => {
    const sent: Report[] = [];
    const asked: unknown[] = [];
    const directory: InterfaceDirectory = { source: 'function flowlog-pilot-ci-interfaces', describe: async (query) => (asked.push(query), { interfaces: [web], warnings: [] }) };
    const handler = createReportHandler({
      ...withInterfaces(
        deps(settings, async () => (await localEngine()).engine, [recordingNotifier(sent)]),
        directory,
      ),
      now: () => new Date('2026-11-21T00:30:00Z'),
    });

    const summary = await handler({ date: '2026-11-20' }, context);

    expect(summary.notifications).toEqual([{ channel: 'test', status: 'sent', messageId: 'm-1' }]);
    expect(asked).toHaveLength(1);
    expect((asked[0] as { privateAddresses: string[] }).privateAddresses).toContain('10.0.1.10');
    const places = [...sent[0]!.findings, ...sent[0]!.digests].flatMap((item) => item.places ?? []);
    expect(places.map((p) => [p.key, p.name])).toContainEqual(['10.0.1.10', 'web-1']);
    expect(sent[0]!.interfaces?.source).toBe('function flowlog-pilot-ci-interfaces');
  });

  it('when the lookup fails, the report is still published, with the bare ids and a warning saying why', async () => {
    const sent: Report[] = [];
    const directory: InterfaceDirectory = {
      source: 'EC2 DescribeNetworkInterfaces',
      describe: async () => Promise.reject(new Error('AccessDenied: not authorized to perform ec2:DescribeNetworkInterfaces')),
    };
    const handler = createReportHandler({
      ...withInterfaces(
        deps(settings, async () => (await localEngine()).engine, [recordingNotifier(sent)]),
        directory,
      ),
      now: () => new Date('2026-11-21T00:30:00Z'),
    });

    const summary = await handler({ date: '2026-11-20' }, context);

    expect(summary.notifications).toEqual([{ channel: 'test', status: 'sent', messageId: 'm-1' }]);
    expect(sent[0]!.findings.every((f) => f.places === undefined)).toBe(true);
    expect(sent[0]!.warnings).toContainEqual(
      expect.stringMatching(/^where the interfaces live is not shown: EC2 DescribeNetworkInterfaces failed \(unexpected error: AccessDenied/),
    );
  });
});

describe('report handler', () => {
  it('when invoked with a date on the local engine, it answers with the same report the use case builds, and notifies', async () => {
    const sent: Report[] = [];
    const settings = { FLOWLOG_ENGINE: 'local', FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokyo', FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports' };
    const now = () => new Date('2026-11-21T00:30:00Z');
    const handler = createReportHandler({ ...deps(settings, async () => (await localEngine()).engine, [recordingNotifier(sent)]), now });

    const summary = await handler({ date: '2026-11-20' }, context);
    const direct = await runReport(
      {
        engine: (await localEngine()).engine,
        catalog,
        layout,
        database: 'flowlogs',
        table: 'vpc_flow_logs',
        config: loadReportConfig({ FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokyo' }),
        now,
      },
      { date: '2026-11-20' },
    );

    expect(summary.window).toEqual(direct.window);
    expect(summary.totals).toEqual(direct.totals);
    expect(summary.totals.records).toBe(36 + 120);
    expect(summary.findings).toEqual([{ rule: 'port-scan', severity: 'high', count: 1 }]);
    expect(sent).toHaveLength(1);
    expect(sent[0] && comparable(sent[0])).toEqual(comparable(direct));
    expect(summary.notifications).toEqual([{ channel: 'test', status: 'sent', messageId: 'm-1' }]);
  });

  it('when scheduled at 09:30 in Tokyo with notify=findings on a quiet day, it reports yesterday in Tokyo and sends nothing', async () => {
    const sent: Report[] = [];
    const quiet = await new FlowBucket().write(lines.slice(0, 48)).open();
    opened.push(quiet);
    const settings = {
      FLOWLOG_ENGINE: 'local',
      FLOWLOG_REPORT_TIMEZONE: 'Asia/Tokyo',
      FLOWLOG_NOTIFY: 'findings',
      FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-reports',
    };
    const handler = createReportHandler({ ...deps(settings, async () => quiet.engine, [recordingNotifier(sent)]), now: () => new Date('2026-11-21T00:30:00Z') });

    const summary = await handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context);

    expect(summary.date).toBe('2026-11-20');
    expect(summary.findings).toEqual([]);
    expect(sent).toEqual([]);
    expect(summary.notifications).toEqual([{ channel: 'test', status: 'skipped' }]);
  });

  it('when a manual event has an unknown key, it refuses naming the key and runs nothing', async () => {
    let openedEngines = 0;
    const handler = createReportHandler({ job: loadReportJobConfig({ FLOWLOG_ENGINE: 'local' }), open: async () => (openedEngines++, Promise.reject(new Error('not used'))) });

    const failure = handler({ date: '2026-11-20', dry_run: true }, context);

    await expect(failure).rejects.toThrow('event: unknown key "dry_run" (known: date, timezone)');
    await expect(failure).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(handler({ date: '2026-11-31' }, context)).rejects.toThrow('date: 2026-11-31 is not a real calendar day');
    expect(openedEngines).toBe(0);
  });

  it('when a report setting is bad, the cold start (the AWS root reading the settings) fails naming the key', () => {
    expect(() => createReportHandler(awsReportDeps({ FLOWLOG_ENGINE: 'local', FLOWLOG_REPORT_TIMEZONE: 'Tokyo' }))).toThrow(
      /FLOWLOG_REPORT_TIMEZONE: "Tokyo" is not a known time zone/,
    );
  });
});
