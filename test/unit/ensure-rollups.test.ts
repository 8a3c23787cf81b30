import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import { QueryError } from '../../src/lib/errors.js';
import { layoutFor, sourceRoot } from '../../src/lib/partitions/layout.js';
import type { PartitionCatalog, QueryEngine, QueryResult } from '../../src/lib/ports.js';
import { ensureRollups } from '../../src/lib/use-cases/ensure-rollups.js';

const layout = layoutFor([{ account: '123456789012', region: 'ap-northeast-1', root: sourceRoot('s3://logs', '', '123456789012', 'ap-northeast-1') }]);
const emptyCatalog: PartitionCatalog = {
  describeTable: async () => ({ database: 'flowlogs', table: 'vpc_flow_logs_rollup', partitionKeys: ['dt'], columns: [], location: 's3://results/rollup/' }),
  listPartitions: async () => [],
};
const ok: QueryResult = { queryId: 'q', columns: [], rows: [], rowsLeftOut: 0, bytesScanned: 1000, durationMs: 1, warnings: [] };

/** An engine whose build of the days in `failing` fails, as a bytes-scanned cutoff would. */
function engineFailingOn(failing: string): QueryEngine & { sql: string[] } {
  const sql: string[] = [];
  return {
    kind: 'athena',
    sql,
    async execute(text) {
      sql.push(text);
      if (text.includes(failing)) throw new QueryError('Athena query q-9 (rollup-build) was cancelled by the bytes-scanned limit');
      return ok;
    },
  };
}

describe('ensureRollups', () => {
  it('when a build statement fails, its days are read raw and named, and the other builds still run', async () => {
    const engine = engineFailingOn("'2026/11/20'");
    const days = ['2026-11-20', '2026-11-21'] as UtcDay[];
    const deps = { engine, rollupCatalog: emptyCatalog, layout, database: 'flowlogs', table: 'vpc_flow_logs', rollupTable: 'vpc_flow_logs_rollup', settleMinutes: 30, now: () => new Date('2026-11-26T00:00:00Z') };

    const result = await ensureRollups({ ...deps }, { days: [days[0] as UtcDay] });
    const second = await ensureRollups({ ...deps }, { days: [days[1] as UtcDay] });

    expect(result.failedDays).toEqual(['2026-11-20']);
    expect(result.rollupDays).toEqual([]);
    expect(result.rawDays).toEqual(['2026-11-20']);
    expect(result.statements.map((s) => [s.status, s.error])).toEqual([['failed', 'Athena query q-9 (rollup-build) was cancelled by the bytes-scanned limit']]);
    expect(second.failedDays).toEqual([]);
    expect(second.rollupDays).toEqual(['2026-11-21']);
  });
});
