/**
 * The stack's CloudWatch dashboard: partitions added, the report's runs, failures, findings,
 * bytes scanned and duration, and Athena's bytes scanned by the workgroup, each per day. Metric
 * names come from src/lib/report/report-metrics.ts, the module the handlers publish them with.
 */
import { METRICS_NAMESPACE, PARTITIONS_METRICS, PARTITIONS_SERVICE, REPORT_METRICS, REPORT_SERVICE } from '../src/lib/report/report-metrics.js';

type Cfn = Record<string, unknown>;

export const DASHBOARD_ID = 'OperationsDashboard';
const DAY_SECONDS = 86_400;

type MetricRow = (string | Record<string, unknown>)[];

const report = (name: string, options: Record<string, unknown> = {}): MetricRow => [
  METRICS_NAMESPACE,
  name,
  'service',
  REPORT_SERVICE,
  'FunctionName',
  '${ReportLambdaFunction}',
  { stat: 'Sum', period: DAY_SECONDS, ...options },
];

function widget(x: number, y: number, title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'metric', x, y, width: 12, height: 6, properties: { title, region: '${AWS::Region}', view: 'timeSeries', period: DAY_SECONDS, metrics, ...extra } };
}

/** The dashboard's widgets, before CloudFormation fills in the function, workgroup and region names. */
export function dashboardWidgets(options: { readonly partitionsFunction: boolean } = { partitionsFunction: true }): Record<string, unknown>[] {
  return [
    ...(options.partitionsFunction
      ? [
          widget(0, 0, 'Partitions added per day', [
            [METRICS_NAMESPACE, PARTITIONS_METRICS.added, 'service', PARTITIONS_SERVICE, 'FunctionName', '${PartitionsLambdaFunction}', { stat: 'Sum', period: DAY_SECONDS }],
            [METRICS_NAMESPACE, PARTITIONS_METRICS.failures, 'service', PARTITIONS_SERVICE, 'FunctionName', '${PartitionsLambdaFunction}', { stat: 'Sum', period: DAY_SECONDS }],
          ]),
        ]
      : []),
    widget(12, 0, 'Report runs and failures per day', [
      report(REPORT_METRICS.runs),
      report(REPORT_METRICS.queriesFailed),
      report(REPORT_METRICS.notificationsFailed),
      report(REPORT_METRICS.filesFailed),
    ]),
    widget(
      0,
      6,
      'Findings by severity per day',
      [
        report(REPORT_METRICS.findingsHigh, { color: '#d62728' }),
        report(REPORT_METRICS.findingsMedium, { color: '#ff7f0e' }),
        report(REPORT_METRICS.findingsLow, { color: '#7f7f7f' }),
      ],
      { stacked: true },
    ),
    widget(12, 6, 'Bytes scanned per day', [
      // Athena publishes ProcessedBytes per query state and type; the search adds up the workgroup's.
      [
        {
          expression: `SUM(SEARCH('{AWS/Athena,QueryState,QueryType,WorkGroup} MetricName="ProcessedBytes" WorkGroup="\${AthenaWorkGroup}"', 'Sum', ${DAY_SECONDS}))`,
          label: 'Athena workgroup (all queries)',
          id: 'athena',
        },
      ],
      report(REPORT_METRICS.bytesScanned, { label: 'Report queries', id: 'report' }),
    ]),
    widget(0, 12, 'Report duration (longest run per day)', [report(REPORT_METRICS.duration, { stat: 'Maximum' })]),
  ];
}

/**
 * One dashboard per stack, named with its stage so two stages in one account keep their own; with
 * partition projection there is no partitions function, so no partitions widget.
 */
export function dashboardResources(settings: { readonly stage: string; readonly partitioning?: string } = { stage: 'dev' }): Record<string, Cfn> {
  return {
    [DASHBOARD_ID]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `flowlog-pilot-${settings.stage}`,
        DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets: dashboardWidgets({ partitionsFunction: settings.partitioning !== 'projection' }) }) },
      },
    },
  };
}
