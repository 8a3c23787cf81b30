import { createHash } from 'node:crypto';
import type { DayRange } from '../dates.js';
import { addPartitionStatements, ATHENA_MAX_QUERY_BYTES, type AddPartitionsStatement } from '../partitions/ddl.js';
import { plannedPartitions, tablePartitions } from '../partitions/integration.js';
import type { PartitionLayout } from '../partitions/layout.js';
import { planPartitions, type Partition } from '../partitions/plan.js';
import type { PartitionCatalog, QueryEngine } from '../ports.js';

export interface EnsurePartitionsDeps {
  readonly catalog: PartitionCatalog;
  readonly engine: QueryEngine;
  readonly database: string;
  readonly table: string;
  readonly layout: PartitionLayout;
  readonly maxStatementBytes?: number;
}

export interface EnsurePartitionsRequest {
  readonly range: DayRange;
  readonly dryRun?: boolean;
  /** Identifies this request across retries (the Lambda request id), so a retry starts no new DDL. */
  readonly requestId?: string;
  readonly deadlineMs?: number;
}

export interface StatementRun {
  readonly sql: string;
  readonly partitions: number;
  readonly queryId: string | undefined;
}

export interface EnsurePartitionsResult {
  readonly range: DayRange;
  readonly dryRun: boolean;
  readonly added: readonly Partition[];
  readonly existing: readonly Partition[];
  readonly statements: readonly StatementRun[];
  /** True when the table is projected and nothing was listed or added. */
  readonly projected?: boolean;
}

/**
 * Makes every partition of the range exist: lists what the catalog has, plans the missing ones
 * and adds them in as few statements as the query-size limit allows.
 */
export async function ensurePartitions(deps: EnsurePartitionsDeps, request: EnsurePartitionsRequest): Promise<EnsurePartitionsResult> {
  // A projected table has no catalog partitions: Athena computes them from the query, and ADD
  // PARTITION would only register partitions projection ignores.
  if (deps.layout.projected === true) return { range: request.range, dryRun: request.dryRun ?? false, added: [], existing: [], statements: [], projected: true };
  const listed = await deps.catalog.listPartitions(request.range);
  const tableKeys = deps.layout.tableKeys;
  const existing = tableKeys === undefined ? listed : plannedPartitions(deps.layout, tableKeys, listed, request.range);
  const plan = planPartitions(deps.layout, request.range, existing);
  const statements =
    tableKeys === undefined
      ? addPartitionStatements(deps.database, deps.table, deps.layout.keys, plan.missing, deps.maxStatementBytes ?? ATHENA_MAX_QUERY_BYTES)
      : addTablePartitionStatements(deps, tableKeys, plan.missing);
  const dryRun = request.dryRun ?? false;
  const runs: StatementRun[] = [];
  for (const { sql, partitions } of statements) {
    if (dryRun) {
      runs.push({ sql, partitions: partitions.length, queryId: undefined });
      continue;
    }
    const result = await deps.engine.execute(sql, {
      label: 'add-partitions',
      requestToken: request.requestId === undefined ? undefined : requestToken(request.requestId, sql),
      deadlineMs: request.deadlineMs,
    });
    runs.push({ sql, partitions: partitions.length, queryId: result.queryId });
  }
  return { range: request.range, dryRun, added: plan.missing, existing: plan.present, statements: runs };
}

/** The statements for a table keyed its own way (the console integration's): each planned day in its scheme. */
function addTablePartitionStatements(deps: EnsurePartitionsDeps, tableKeys: readonly string[], missing: readonly Partition[]): AddPartitionsStatement[] {
  const rows = tablePartitions(deps.layout, tableKeys, missing);
  return addPartitionStatements(deps.database, deps.table, tableKeys, rows, deps.maxStatementBytes ?? ATHENA_MAX_QUERY_BYTES);
}

/** Athena ClientRequestToken (32-128 chars): the same request and statement give the same token. */
export function requestToken(requestId: string, sql: string): string {
  return createHash('sha256').update(requestId).update('\0').update(sql).digest('hex');
}
