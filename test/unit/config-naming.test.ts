import { describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../src/lib/config.js';
import { ConfigError } from '../../src/lib/errors.js';
import { loadReportJobConfig } from '../../src/lib/report/report-config.js';

const athena = { FLOWLOG_BUCKET: 'my-flow-logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1' };

function problemsOf(settings: Record<string, string>): string[] {
  try {
    loadReportJobConfig({ ...athena, ...settings });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

// Each row: a setting, a value AWS refuses (S3 bucket naming rules, Athena/Glue names, workgroup
// names, account ids, region names, key prefixes) and the words the refusal must carry.
const REFUSED: readonly (readonly [string, string, string])[] = [
  ['FLOWLOG_BUCKET', 'ab', '3 to 63'],
  ['FLOWLOG_BUCKET', 'a'.repeat(64), '3 to 63'],
  ['FLOWLOG_BUCKET', 'My-Logs', 'lowercase'],
  ['FLOWLOG_BUCKET', 'logs_bucket', 'lowercase'],
  ['FLOWLOG_BUCKET', '-logs', 'starting and ending'],
  ['FLOWLOG_BUCKET', 'logs.', 'starting and ending'],
  ['FLOWLOG_BUCKET', 'my..logs', 'two dots'],
  ['FLOWLOG_BUCKET', '192.168.5.4', 'IP address'],
  ['FLOWLOG_BUCKET', 'xn--logs', 'prefix xn--'],
  ['FLOWLOG_BUCKET', 'sthree-logs', 'prefix sthree-'],
  ['FLOWLOG_BUCKET', 'amzn-s3-demo-logs', 'prefix amzn-s3-demo-'],
  ['FLOWLOG_BUCKET', 'logs-s3alias', 'suffix -s3alias'],
  ['FLOWLOG_BUCKET', 'logs--ol-s3', 'suffix --ol-s3'],
  ['FLOWLOG_BUCKET', 'logs.mrap', 'suffix .mrap'],
  ['FLOWLOG_BUCKET', 'logs--x-s3', 'suffix --x-s3'],
  ['FLOWLOG_BUCKET', "logs'; DROP TABLE x; --", 'not a valid S3 bucket name'],
  ['FLOWLOG_OUTPUT_LOCATION', 'https://results/', 'not an s3:// location'],
  ['FLOWLOG_OUTPUT_LOCATION', 's3://xn--results/athena/', 'prefix xn--'],
  ['FLOWLOG_OUTPUT_LOCATION', 's3://Results/', 'lowercase'],
  ['FLOWLOG_DATABASE', 'Flow', 'Athena name'],
  ['FLOWLOG_DATABASE', 'flow logs', 'Athena name'],
  ['FLOWLOG_DATABASE', 'flowlogs"; DROP TABLE x; --', 'Athena name'],
  ['FLOWLOG_DATABASE', 'ログ', 'Athena name'],
  ['FLOWLOG_TABLE', '`vpc`', 'Athena name'],
  ['FLOWLOG_TABLE', "vpc'logs", 'Athena name'],
  ['FLOWLOG_TABLE', `t${'a'.repeat(255)}`, 'Athena name'],
  ['FLOWLOG_TABLE', '1logs', 'Athena name'],
  ['FLOWLOG_WORKGROUP', 'work group', 'not a valid workgroup name'],
  ['FLOWLOG_WORKGROUP', 'w'.repeat(129), 'not a valid workgroup name'],
  ['FLOWLOG_WORKGROUP', 'wg/primary', 'not a valid workgroup name'],
  ['FLOWLOG_SOURCES', '12345678901:ap-northeast-1', '12-digit'],
  ['FLOWLOG_SOURCES', '1234567890123:ap-northeast-1', '12-digit'],
  ['FLOWLOG_SOURCES', '12345678901a:ap-northeast-1', '12-digit'],
  ['FLOWLOG_SOURCES', '123456789012:AP-NORTHEAST-1', 'region name'],
  ['FLOWLOG_SOURCES', '123456789012:ap-northeast', 'region name'],
  ['FLOWLOG_SOURCES', "123456789012:us-east-1' OR 1=1", 'region name'],
  ['FLOWLOG_PREFIX', 'logs', 'key prefix'],
  ['FLOWLOG_PREFIX', '/logs/', 'key prefix'],
  ['FLOWLOG_PREFIX', 'my logs/', 'key prefix'],
  ['FLOWLOG_PREFIX', 'ログ/', 'key prefix'],
  ['FLOWLOG_PREFIX', `${'a/'.repeat(451)}`, 'at most 900'],
  ['FLOWLOG_REPORT_TIMEZONE', 'Asia/Osaka', 'FLOWLOG_REPORT_TIMEZONE'],
  ['FLOWLOG_REPORT_TIMEZONE', 'UTC+9', 'FLOWLOG_REPORT_TIMEZONE'],
  ['FLOWLOG_TOPIC_ARN', 'arn:aws:sns:ap-northeast-1:12345:reports', 'SNS topic ARN'],
];

describe('configuration against AWS naming rules', () => {
  it.each(REFUSED)('when %s is %j, the configuration is refused naming the key and why', (key, value, words) => {
    // Act
    const problems = problemsOf({ [key]: value });
    // Assess
    const problem = problems.find((p) => p.startsWith(key));
    expect(problem, problems.join('\n')).toBeDefined();
    expect(problem).toContain(words);
  });

  it.each([
    ['FLOWLOG_BUCKET', 'my.flow-logs.2026'],
    ['FLOWLOG_BUCKET', 'abc'],
    ['FLOWLOG_BUCKET', 'a'.repeat(63)],
    ['FLOWLOG_BUCKET', 'xn-logs'],
    ['FLOWLOG_OUTPUT_LOCATION', 's3://aws-athena-query-results-123456789012-ap-northeast-1/flowlog/'],
    ['FLOWLOG_DATABASE', `d${'a'.repeat(254)}`],
    ['FLOWLOG_WORKGROUP', 'flowlog-pilot.prod_1'],
    ['FLOWLOG_SOURCES', '012345678901:us-gov-west-1,123456789012:ap-southeast-5'],
    ['FLOWLOG_PREFIX', "org/vpc=flow-logs/(prod)/a!b*c'd/"],
  ])('when %s is the valid %j, it is accepted as given', (key, value) => {
    // Act
    const problems = problemsOf({ [key]: value });
    // Assess
    expect(problems).toEqual([]);
    expect(() => loadCoreConfig({ ...athena, [key]: value })).not.toThrow();
  });
});
