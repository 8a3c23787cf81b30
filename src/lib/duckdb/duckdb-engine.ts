import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { DeadlineError, QueryError, asError } from '../errors.js';
import type { Column, QueryEngine, QueryOptions, QueryResult, Row } from '../ports.js';
import type { LocalPartitions } from '../local/local-partitions.js';
import type { LocalRollup } from '../local/local-rollup.js';
import type { LocalTable } from './local-table.js';
import { isPartitionStatement, parsePartitionStatement } from '../local/partition-statements.js';
import { athenaTypeName, cellOf } from './result-values.js';
import { skippedLines, type RejectRow } from './skipped-lines.js';
import { describeSkipped } from '../report/skipped-reads.js';
import { bytesRead, type ProfileNode } from './table-view.js';
import { renderQuery } from '../sql/sql.js';
import type { ReadWarning } from '../ports.js';

/** Rounds of "find the unreadable file, leave it out, run again" before giving up. */
const MAX_FILE_RETRIES = 5;

// Errors that can come from a data file (gzip damage, a row that does not parse, a vanished file);
// anything else is the statement's own fault and is not worth reading every file for.
const FILE_ERROR = /CSV Error|GZIP|gzip|zlib|file/i;

export interface DuckDbEngineDeps {
  /** The connection queries run on; it writes a plan profile of each query to `profilePath`. */
  readonly connection: DuckDBConnection;
  readonly table: LocalTable;
  readonly partitions: LocalPartitions;
  /** The stored daily rollup: partition statements naming it act on its rows. */
  readonly rollup?: LocalRollup;
  readonly profilePath: string;
  /** Set when the connection is confined to the data folder: only read-only statements are run. */
  readonly sandbox?: { readonly dataDir: string };
}

/**
 * The local QueryEngine: DuckDB over the local copy of the bucket, with Athena's semantics for
 * the table (registered partitions only, data columns then keys, partition DDL) and its results
 * normalised exactly as the Athena adapter normalises them.
 */
export class DuckDbEngine implements QueryEngine {
  readonly kind = 'local' as const;
  readonly #deps: DuckDbEngineDeps;
  // One connection and one view: statements run one after another, like a single Athena session.
  #queue: Promise<unknown> = Promise.resolve();
  // DuckDB's reject tables keep every scan's skipped lines; a query's own are those after this scan.
  #lastScanId = 0;

  constructor(deps: DuckDbEngineDeps) {
    this.#deps = deps;
  }

  execute(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const run = this.#queue.then(() => this.#execute(sql, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #execute(sql: string, options: QueryOptions): Promise<QueryResult> {
    const startedMs = Date.now();
    const queryId = randomUUID();
    if (isPartitionStatement(sql)) {
      const statement = parsePartitionStatement(sql);
      const rollup = this.#deps.rollup;
      const answer = rollup !== undefined && rollup.handles(statement.table) ? await rollup.run(statement) : await this.#deps.partitions.run(statement);
      const rows = answer.rows ?? [];
      const columns: Column[] = answer.rows === undefined ? [] : [{ name: 'partition', type: 'varchar' }];
      return this.#result(
        queryId,
        startedMs,
        columns,
        rows.map((partition) => ({ partition })),
        rows.length,
        0,
        [],
        options,
      );
    }
    await this.#checkOneStatement(sql, queryId);
    if (this.#deps.sandbox !== undefined) await this.#checkReadOnly(sql, queryId);
    await this.#deps.table.refresh();
    for (let round = 0; ; round += 1) {
      try {
        return await this.#select(sql, queryId, startedMs, options);
      } catch (error) {
        if (error instanceof DeadlineError || error instanceof QueryError) throw error;
        const message = asError(error).message;
        const found = round < MAX_FILE_RETRIES && FILE_ERROR.test(message) && !message.startsWith('Permission Error') ? await this.#deps.table.probe() : 0;
        if (found === 0) throw duckDbError(error, queryId, this.#deps.sandbox);
        await this.#deps.table.refresh();
      }
    }
  }

  async #checkOneStatement(sql: string, queryId: string): Promise<void> {
    let count: number;
    try {
      count = (await this.#deps.connection.extractStatements(sql)).count;
    } catch (error) {
      throw duckDbError(error, queryId);
    }
    if (count !== 1) throw new QueryError(`expected one SQL statement, got ${count} (Athena runs one statement per query)`, { queryId, state: 'FAILED' });
  }

  /** The sandbox runs SELECTs only (WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE parse as SELECTs); decided by parsing alone. */
  async #checkReadOnly(sql: string, queryId: string): Promise<void> {
    const reader = await this.#deps.connection.runAndReadAll(renderQuery('local/statement-tree', {}), [sql]);
    const tree = JSON.parse(String(reader.getRowsJS()[0]?.[0] ?? '{}')) as { error?: boolean };
    if (tree.error !== true) return;
    const keyword = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'this statement';
    throw new QueryError(
      `query runs read-only statements (SELECT, WITH, VALUES, DESCRIBE, SHOW) and the partition statements ALTER TABLE ... ADD/DROP PARTITION and SHOW PARTITIONS; ${keyword} is refused (README, "query")`,
      { queryId, state: 'FAILED' },
    );
  }

  async #select(sql: string, queryId: string, startedMs: number, options: QueryOptions): Promise<QueryResult> {
    const result = await this.#withDeadline(options.deadlineMs, () => this.#deps.connection.run(sql));
    const { columns, rows, total } = await readRows(result, options.maxRows);
    const profile = await this.#profile();
    const branches = this.#deps.table.branches;
    const read = profile === undefined ? new Set<string>() : partitionsRead(profile, branches);
    const skipped: ReadWarning[] = [
      ...this.#deps.table.skipped.filter((s) => read.has(s.partition)).map((s): ReadWarning => ({ kind: 'skipped-file', file: s.path, reason: s.reason })),
      ...(await this.#rejectedLines()),
    ];
    const bytes = profile === undefined ? 0 : bytesRead(profile, branches);
    return { ...this.#result(queryId, startedMs, columns, rows, total, bytes, describeSkipped(skipped), options), skipped };
  }

  /** The lines the last statement's scans skipped (DuckDB's reject tables exist once a scan skipped one). */
  async #rejectedLines(): Promise<ReadWarning[]> {
    let rows: RejectRow[];
    try {
      const reader = await this.#deps.connection.runAndReadAll(renderQuery('local/read-rejects', {}), [this.#lastScanId]);
      const objects = reader.getRowObjectsJS();
      for (const row of objects) this.#lastScanId = Math.max(this.#lastScanId, Number(row.scan_id));
      rows = objects.map((row) => ({
        file: String(row.file_path),
        line: Number(row.line),
        errorType: String(row.error_type),
        column: row.column_name === null ? null : String(row.column_name),
        message: String(row.error_message),
      }));
    } catch (error) {
      if (/reject_(errors|scans)/.test(asError(error).message)) return [];
      throw error;
    }
    return skippedLines(rows);
  }

  async #withDeadline<T>(deadlineMs: number | undefined, work: () => Promise<T>): Promise<T> {
    if (deadlineMs === undefined) return work();
    const leftMs = deadlineMs - Date.now();
    if (leftMs <= 0) throw new DeadlineError('the deadline passed before the query started', { deadlineMs });
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      this.#deps.connection.interrupt();
    }, leftMs);
    try {
      return await work();
    } catch (error) {
      if (late) throw new DeadlineError(`the query did not finish by its deadline (${leftMs} ms)`, { deadlineMs });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #profile(): Promise<ProfileNode | undefined> {
    try {
      return JSON.parse(await readFile(this.#deps.profilePath, 'utf8')) as ProfileNode;
    } catch {
      return undefined;
    }
  }

  #result(queryId: string, startedMs: number, columns: Column[], rows: Row[], total: number, bytesScanned: number, warnings: string[], options: QueryOptions): QueryResult {
    const kept = options.maxRows === undefined ? rows : rows.slice(0, options.maxRows);
    return { queryId, columns, rows: kept, rowsLeftOut: total - kept.length, bytesScanned, durationMs: Date.now() - startedMs, warnings };
  }
}

/** DuckDB's message as one line (the first; the rest, hints and options, stays in `detail`). */
function duckDbError(error: unknown, queryId: string, sandbox?: { readonly dataDir: string }): QueryError {
  const detail = asError(error).message;
  const first = (detail.split('\n')[0] ?? detail).replace(/^Failed to extract statements: /, '');
  const denied = sandbox === undefined ? null : /^Permission Error: (?:Cannot access (?:file|directory) ("[^"]*"))?/.exec(first);
  if (denied !== null && sandbox !== undefined) {
    const what = denied[1] === undefined ? 'that' : `reading ${denied[1]}`;
    return new QueryError(`query may read only files under the data folder ${sandbox.dataDir}; ${what} is refused`, { queryId, state: 'FAILED', detail }, { cause: error });
  }
  return new QueryError(first, { queryId, state: 'FAILED', detail }, { cause: error });
}

/** Converts only the rows kept; the others are counted chunk by chunk, never turned into JavaScript. */
async function readRows(result: DuckDBMaterializedResult, maxRows: number | undefined): Promise<{ columns: Column[]; rows: Row[]; total: number }> {
  const names = result.columnNames();
  const types = result.columnTypes();
  const columns = names.map((name, i) => ({ name, type: athenaTypeName(types[i] as (typeof types)[number]) }));
  const rows: Row[] = [];
  let total = 0;
  const limit = maxRows ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    total += chunk.rowCount;
    if (rows.length >= limit) continue;
    const take = Math.min(chunk.rowCount, limit - rows.length);
    const values = names.map((_, c) => chunk.getColumnValues(c));
    for (let r = 0; r < take; r += 1) {
      const row: Record<string, ReturnType<typeof cellOf>> = {};
      names.forEach((name, c) => {
        row[name] = cellOf(values[c]?.[r] ?? null, types[c] as (typeof types)[number]);
      });
      rows.push(row);
    }
  }
  return { columns, rows, total };
}

/** Partitions (by id) that had at least one of their branches scanned by the query. */
function partitionsRead(profile: ProfileNode, branches: LocalTable['branches']): Set<string> {
  const read = new Set<string>();
  for (const branch of branches) {
    if (scanned(profile, branch.files[0]?.path)) read.add(branch.partition);
  }
  return read;
}

function scanned(node: ProfileNode, path: string | undefined): boolean {
  if (path === undefined) return false;
  const names = node.extra_info?.['Filename(s)'];
  if (typeof names === 'string' && names.split(', ')[0] === path) return true;
  return (node.children ?? []).some((child) => scanned(child, path));
}
