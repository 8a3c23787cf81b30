import { describe, expect, it } from 'vitest';
import { loadCoreConfig, parseSources } from '../../src/lib/config.js';
import { ConfigError } from '../../src/lib/errors.js';

const athena = { FLOWLOG_BUCKET: 'my-flow-logs', FLOWLOG_SOURCES: '123456789012:ap-northeast-1' };

describe('configuration', () => {
  it('when only the required keys are set, it fills the documented defaults and freezes the result', () => {
    const config = loadCoreConfig(athena);
    expect(config).toMatchObject({
      engine: 'athena',
      database: 'flowlogs',
      table: 'vpc_flow_logs',
      tableMode: 'create',
      logs: { bucket: 'my-flow-logs', prefix: '', sources: [{ account: '123456789012', region: 'ap-northeast-1' }] },
      partitions: { lookBackDays: 3, maxRangeDays: 3660 },
      athena: { workgroup: 'primary', outputLocation: undefined },
    });
    expect(config.format).toHaveLength(14);
    expect(Object.isFrozen(config.logs.sources)).toBe(true);
    expect(() => {
      (config as { database: string }).database = 'x';
    }).toThrow(TypeError);
  });

  it('when several keys are wrong, it names every one of them in one error', () => {
    let error: unknown;
    try {
      loadCoreConfig({
        FLOWLOG_BUCKET: 'Bad_Bucket',
        FLOWLOG_SOURCES: '12345:ap-northeast-1',
        FLOWLOG_DATABASE: 'flow-logs',
        FLOWLOG_LOOKBACK_DAYS: 'three',
        FLOWLOG_PREFIX: '/logs',
        FLOWLOG_WORKGROUP: 'a b',
        FLOWLOG_ENGINE: 'bigquery',
        FLOWLOG_FORMAT: '${version} ${nope}',
        FLOWLOG_TABEL: 'typo',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const key of [
      'FLOWLOG_BUCKET',
      'FLOWLOG_SOURCES',
      'FLOWLOG_DATABASE',
      'FLOWLOG_LOOKBACK_DAYS',
      'FLOWLOG_PREFIX',
      'FLOWLOG_WORKGROUP',
      'FLOWLOG_ENGINE',
      'FLOWLOG_FORMAT',
      'FLOWLOG_TABEL is not a known setting',
    ]) {
      expect(problems).toContain(key);
    }
  });

  it('when the athena engine has no bucket or sources, it says which keys are required', () => {
    expect(() => loadCoreConfig({})).toThrow(/FLOWLOG_BUCKET is required.*FLOWLOG_SOURCES is required/);
  });

  it('when the local engine is chosen, no bucket is needed', () => {
    expect(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_DATA_DIR: '/tmp/d' }).local.dataDir).toBe('/tmp/d');
  });

  it('when a source is listed twice or has no region, it is refused', () => {
    expect(() => parseSources('123456789012:us-east-1,123456789012:us-east-1')).toThrow('123456789012:us-east-1 is listed twice');
    expect(() => parseSources('123456789012')).toThrow('expected ACCOUNT:REGION');
    expect(() => parseSources('123456789012:Tokyo')).toThrow('not an AWS region name');
  });
});

describe('rollup settings', () => {
  it('when no rollup table is named, it is the table name with _rollup; a bad name, the raw table itself or a bad margin is named', () => {
    expect(loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_TABLE: 'flows' }).rollup).toEqual({
      table: 'flows_rollup',
      settleMinutes: 30,
      maxBytesPerQuery: 10_240 * 1024 * 1024,
    });
    expect(() => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_ROLLUP_TABLE: 'Bad-Name' })).toThrow(/FLOWLOG_ROLLUP_TABLE must be an Athena name/);
    expect(() => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_ROLLUP_TABLE: 'vpc_flow_logs' })).toThrow(/FLOWLOG_ROLLUP_TABLE must differ from FLOWLOG_TABLE/);
    expect(() => loadCoreConfig({ FLOWLOG_ENGINE: 'local', FLOWLOG_ROLLUP_SETTLE_MINUTES: '-5', FLOWLOG_ROLLUP_TABEL: 'x' })).toThrow(
      /FLOWLOG_ROLLUP_SETTLE_MINUTES must be a whole number.*FLOWLOG_ROLLUP_TABEL is not a known setting/,
    );
  });
});
