import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { classifyQueryExecution } from './query-state.js';
import { CallTimeout, callWithin } from '../aws/call-timeout.js';
import { columnsOf, isHeaderRow, rowOf } from './result-rows.js';
import { DEFAULT_THROTTLE_POLICY, isThrottling, pollDelayMs, systemTiming, withThrottleRetry, type RetryPolicy, type Timing } from '../retry.js';
import { DeadlineError, FlowlogError, QueryError, ValidationError, asError } from '../errors.js';
import type { Column, QueryEngine, QueryOptions, QueryResult, Row } from '../ports.js';

/** DDL such as ADD PARTITION usually finishes within a few seconds: look early. */
export const DEFAULT_INITIAL_POLL_MS = 500;
/** A long report query is polled at most every 5 s, far below GetQueryExecution's rate limit. */
export const DEFAULT_MAX_POLL_MS = 5_000;
/** Time kept back before a deadline to call StopQueryExecution and still return an answer. */
export const DEFAULT_DEADLINE_MARGIN_MS = 3_000;
/**
 * The StopQueryExecution at the deadline must itself end in time: two seconds of the three-second
 * margin, which leaves one to answer.
 */
export const DEFAULT_STOP_TIMEOUT_MS = 2_000;
/** Time kept back before the deadline when fetching the pages of a finished query's results. */
export const DEFAULT_ANSWER_RESERVE_MS = 1_000;
/** Athena marks some failures retryable (a transient fault); two fresh starts are enough to ride one out. */
export const DEFAULT_MAX_RETRYABLE_RESTARTS = 2;
/** GetQueryResults' largest page. */
export const RESULT_PAGE_SIZE = 1_000;

export interface AthenaEngineOptions {
  readonly client: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  /** Only when the workgroup does not enforce its own result location. */
  readonly outputLocation?: string;
  readonly initialPollMs?: number;
  readonly maxPollMs?: number;
  readonly deadlineMarginMs?: number;
  readonly stopTimeoutMs?: number;
  readonly maxRetryableRestarts?: number;
  readonly throttlePolicy?: RetryPolicy;
  readonly timing?: Timing;
}

/** Thrown inside the wait loop only; turned into a DeadlineError once the query is stopped. */
class OutOfTime {
  constructor(readonly state: string) {}
}

/**
 * The QueryEngine on Athena: starts a query in the workgroup, waits for it with backoff, never
 * leaves one running past the caller's deadline, and returns rows shaped by the QueryResult
 * contract so that reports read the same from Athena and from the local engine.
 */
export class AthenaEngine implements QueryEngine {
  readonly kind = 'athena' as const;
  readonly #client: AthenaClient;
  readonly #workgroup: string;
  readonly #database: string;
  readonly #outputLocation: string | undefined;
  readonly #initialPollMs: number;
  readonly #maxPollMs: number;
  readonly #deadlineMarginMs: number;
  readonly #stopTimeoutMs: number;
  readonly #maxRetryableRestarts: number;
  readonly #throttlePolicy: RetryPolicy;
  readonly #timing: Timing;

  constructor(options: AthenaEngineOptions) {
    this.#client = options.client;
    this.#workgroup = options.workgroup;
    this.#database = options.database;
    this.#outputLocation = options.outputLocation;
    this.#initialPollMs = options.initialPollMs ?? DEFAULT_INITIAL_POLL_MS;
    this.#maxPollMs = options.maxPollMs ?? DEFAULT_MAX_POLL_MS;
    this.#deadlineMarginMs = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.#maxRetryableRestarts = options.maxRetryableRestarts ?? DEFAULT_MAX_RETRYABLE_RESTARTS;
    this.#throttlePolicy = options.throttlePolicy ?? DEFAULT_THROTTLE_POLICY;
    this.#timing = options.timing ?? systemTiming;
  }

  async execute(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    checkOptions(options);
    const warnings: string[] = [];
    for (let restart = 0; ; restart += 1) {
      const startedAtMs = this.#timing.now();
      const queryId = await this.#start(sql, options, restart);
      const execution = await this.#waitFor(queryId, options);
      const state = classifyQueryExecution(execution);
      const name = describeQuery(queryId, options);
      if (state.kind === 'succeeded') return this.#results(queryId, execution, options, startedAtMs, warnings);
      if (state.kind === 'failed') {
        const context = { queryId, state: 'FAILED', category: state.category, errorType: state.errorType, retryable: state.retryable, starts: restart + 1 };
        if (state.retryable && restart < this.#maxRetryableRestarts) {
          warnings.push(`${name} failed with a retryable error (${state.reason}); started it again`);
          await this.#pause(restart, options, () => new QueryError(`${name} failed: ${state.reason} (retryable, but no time was left to start it again)`, context));
          continue;
        }
        const tries = state.retryable ? ` after ${restart + 1} starts` : '';
        throw new QueryError(`${name} failed${tries}: ${state.reason}`, context);
      }
      if (state.kind === 'cancelled') {
        const context = { queryId, state: 'CANCELLED', bytesCutoff: state.bytesCutoff, bytesScanned: state.bytesScanned };
        if (state.bytesCutoff) {
          const scanned = state.bytesScanned === undefined ? '' : ` after scanning ${state.bytesScanned} bytes`;
          throw new QueryError(
            `${name} was cancelled by the bytes-scanned limit of workgroup ${this.#workgroup}${scanned} (${state.reason}); narrow the date range or raise the workgroup's BytesScannedCutoffPerQuery`,
            context,
          );
        }
        throw new QueryError(`${name} was cancelled: ${state.reason}`, context);
      }
      throw new QueryError(`${name} stopped waiting while still running`, { queryId, state: state.state });
    }
  }

  async #start(sql: string, options: QueryOptions, restart: number): Promise<string> {
    const retryUntilMs = this.#latestMs(options);
    if (retryUntilMs !== undefined && this.#timing.now() >= retryUntilMs) {
      throw new DeadlineError(`no time left to start ${describeQuery(undefined, options)} before the deadline; nothing was started`, { deadlineMs: options.deadlineMs });
    }
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      WorkGroup: this.#workgroup,
      QueryExecutionContext: { Database: this.#database },
      ...(this.#outputLocation === undefined ? {} : { ResultConfiguration: { OutputLocation: this.#outputLocation } }),
      ...(options.requestToken === undefined ? {} : { ClientRequestToken: tokenForStart(options.requestToken, restart) }),
    };
    let output;
    try {
      output = await this.#call(
        'StartQueryExecution',
        options,
        retryUntilMs,
        (abortSignal) => this.#client.send(new StartQueryExecutionCommand(input), { abortSignal }),
        retryUntilMs,
      );
    } catch (error) {
      if (!(error instanceof DeadlineError)) throw error;
      throw new DeadlineError(`${error.message}; ${await this.#stopUnanswered(input)}`, error.context);
    }
    if (output.QueryExecutionId === undefined) throw new QueryError(`Athena started ${describeQuery(undefined, options)} but returned no query id`);
    return output.QueryExecutionId;
  }

  /**
   * A start that got no answer may still have started the query. With a ClientRequestToken,
   * Athena answers a repeated start with the query it already has, so its id can be learnt and
   * the query stopped; without one it cannot be found.
   */
  async #stopUnanswered(input: StartQueryExecutionCommandInput): Promise<string> {
    if (input.ClientRequestToken === undefined) return "it may have started: look for it in the workgroup's recent queries";
    try {
      const again = await callWithin('StartQueryExecution', this.#stopTimeoutMs, (abortSignal) => this.#client.send(new StartQueryExecutionCommand(input), { abortSignal }));
      if (again.QueryExecutionId === undefined) return 'Athena returned no query id for its request token';
      return `Athena query ${again.QueryExecutionId}: ${await this.#stop(again.QueryExecutionId)}`;
    } catch (error) {
      return `it may have started and could not be looked up (${asError(error).message}): look for request token ${input.ClientRequestToken}`;
    }
  }

  /** Polls until the query is done; on the way out for any other reason, the query is stopped. */
  async #waitFor(queryId: string, options: QueryOptions): Promise<QueryExecution> {
    const retryUntilMs = this.#latestMs(options);
    try {
      for (let poll = 0; ; poll += 1) {
        const output = await this.#call(
          'GetQueryExecution',
          options,
          retryUntilMs,
          (abortSignal) => this.#client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }), { abortSignal }),
          retryUntilMs,
        );
        const execution = output.QueryExecution ?? {};
        const state = classifyQueryExecution(execution);
        if (state.kind !== 'running') return execution;
        const delayMs = pollDelayMs(poll, this.#initialPollMs, this.#maxPollMs, this.#timing.random());
        if (retryUntilMs === undefined) {
          await this.#timing.sleep(delayMs);
          continue;
        }
        const leftMs = retryUntilMs - this.#timing.now();
        if (leftMs <= 0) throw new OutOfTime(state.state);
        await this.#timing.sleep(Math.min(delayMs, leftMs));
      }
    } catch (error) {
      const stopped = await this.#stop(queryId);
      const name = describeQuery(queryId, options);
      if (error instanceof OutOfTime) {
        throw new DeadlineError(`${name} was still ${error.state} ${this.#deadlineMarginMs} ms before the deadline; ${stopped}`, { queryId, deadlineMs: options.deadlineMs });
      }
      if (error instanceof DeadlineError) throw new DeadlineError(`${error.message}; ${name}: ${stopped}`, { ...error.context, queryId });
      if (error instanceof QueryError) throw new QueryError(`${error.message}; ${stopped}`, { ...error.context, queryId }, { cause: error.cause });
      if (error instanceof FlowlogError) throw error;
      throw new QueryError(`waiting for ${name} failed: ${asError(error).message}; ${stopped}`, { queryId }, { cause: error });
    }
  }

  /** Best effort, and bounded: a stop that does not answer within the stop timeout is reported, not waited for. */
  async #stop(queryId: string): Promise<string> {
    try {
      await callWithin('StopQueryExecution', this.#stopTimeoutMs, (abortSignal) =>
        withThrottleRetry(() => this.#client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }), { abortSignal }), {
          policy: this.#throttlePolicy,
          timing: this.#timing,
          retryUntilMs: this.#timing.now() + this.#stopTimeoutMs,
        }),
      );
      return 'it was stopped (StopQueryExecution)';
    } catch (error) {
      return `stopping it failed too (${asError(error).message}): stop it by hand with aws athena stop-query-execution --query-execution-id ${queryId}`;
    }
  }

  async #results(queryId: string, execution: QueryExecution, options: QueryOptions, startedAtMs: number, warnings: readonly string[]): Promise<QueryResult> {
    const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
    let columns: Column[] = [];
    const rows: Row[] = [];
    let total = 0;
    let nextToken: string | undefined;
    let firstPage = true;
    const answerByMs = options.deadlineMs === undefined ? undefined : options.deadlineMs - DEFAULT_ANSWER_RESERVE_MS;
    do {
      const token = nextToken;
      const page = await this.#call(
        'GetQueryResults',
        options,
        answerByMs,
        (abortSignal) =>
          this.#client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: RESULT_PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }), {
            abortSignal,
          }),
        answerByMs,
      );
      let data = page.ResultSet?.Rows ?? [];
      if (firstPage) {
        columns = columnsOf(page.ResultSet?.ResultSetMetadata?.ColumnInfo);
        if (isHeaderRow(execution.StatementType, data[0], columns)) data = data.slice(1);
      }
      for (const row of data) {
        total += 1;
        if (rows.length < maxRows) rows.push(rowOf(columns, row));
      }
      nextToken = page.NextToken;
      firstPage = false;
    } while (nextToken !== undefined && nextToken !== '');
    const statistics = execution.Statistics;
    const outputLocation = execution.ResultConfiguration?.OutputLocation;
    return {
      queryId,
      columns,
      rows,
      rowsLeftOut: total - rows.length,
      bytesScanned: statistics?.DataScannedInBytes ?? 0,
      durationMs: statistics?.TotalExecutionTimeInMillis ?? this.#timing.now() - startedAtMs,
      ...(outputLocation === undefined ? {} : { outputLocation }),
      warnings: [...warnings],
    };
  }

  /**
   * One API call with throttling retried, each attempt aborted at `abortAtMs` (the deadline's
   * margin) so that a stalled call cannot outlast the Lambda; anything Athena refuses becomes a
   * QueryError with its words, a call out of time a DeadlineError.
   */
  async #call<T>(operation: string, options: QueryOptions, retryUntilMs: number | undefined, send: (abortSignal?: AbortSignal) => Promise<T>, abortAtMs?: number): Promise<T> {
    const attempt = () => callWithin(operation, abortAtMs === undefined ? undefined : abortAtMs - this.#timing.now(), send);
    try {
      return await withThrottleRetry(attempt, { policy: this.#throttlePolicy, timing: this.#timing, ...(retryUntilMs === undefined ? {} : { retryUntilMs }) });
    } catch (error) {
      if (error instanceof CallTimeout) {
        throw new DeadlineError(`Athena ${operation} for ${describeQuery(undefined, options)} got no answer before the deadline (waited ${error.timeoutMs} ms)`, {
          operation,
          deadlineMs: options.deadlineMs,
        });
      }
      const e = asError(error);
      const reason = (error as { Reason?: string }).Reason;
      const what = `${e.name}${reason === undefined ? '' : ` ${reason}`}: ${e.message}`;
      const message = isThrottling(error)
        ? `Athena kept refusing ${operation} for ${describeQuery(undefined, options)} (${what}); retried with backoff until the limit`
        : `Athena ${operation} failed for ${describeQuery(undefined, options)}: ${what}`;
      throw new QueryError(message, { operation, errorName: e.name, ...(reason === undefined ? {} : { reason }) }, { cause: error });
    }
  }

  async #pause(restart: number, options: QueryOptions, tooLate: () => Error): Promise<void> {
    const delayMs = pollDelayMs(restart, this.#initialPollMs, this.#maxPollMs, this.#timing.random());
    const retryUntilMs = this.#latestMs(options);
    if (retryUntilMs !== undefined && this.#timing.now() + delayMs >= retryUntilMs) throw tooLate();
    await this.#timing.sleep(delayMs);
  }

  #latestMs(options: QueryOptions): number | undefined {
    return options.deadlineMs === undefined ? undefined : options.deadlineMs - this.#deadlineMarginMs;
  }
}

function describeQuery(queryId: string | undefined, options: QueryOptions): string {
  const label = options.label === undefined ? '' : ` (${options.label})`;
  return queryId === undefined ? `the query${label}` : `Athena query ${queryId}${label}`;
}

function checkOptions(options: QueryOptions): void {
  const { requestToken, maxRows } = options;
  if (requestToken !== undefined && (requestToken.length < 32 || requestToken.length > 128)) {
    throw new ValidationError('requestToken', `must be 32 to 128 characters (Athena ClientRequestToken), got ${requestToken.length}`);
  }
  if (maxRows !== undefined && (!Number.isSafeInteger(maxRows) || maxRows < 0)) throw new ValidationError('maxRows', `must be a whole number >= 0, got ${maxRows}`);
}

/**
 * The ClientRequestToken of one start. A restart after a retryable failure needs a token of its
 * own: with the first one Athena would hand back the failed query instead of starting again.
 */
export function tokenForStart(requestToken: string, restart: number): string {
  return restart === 0 ? requestToken : `${requestToken.slice(0, 118)}-restart-${restart}`;
}
