import type { ContextOpener } from '../context.js';
import type { QueryEngine } from '../ports.js';
import type { Report } from '../report/model.js';
import type { NotifyWhen, ReportConfig } from '../report/report-config.js';
import { shouldNotify, type ReportSummary } from '../report/report-event.js';
import { judgeReport, type ReportVerdict } from '../report/report-verdict.js';
import type { Suppression } from '../report/suppressions.js';
import type { WatchlistEntry } from '../report/watchlist.js';
import type { InterfaceDirectory } from '../ports.js';
import { loadLists } from './load-lists.js';
import { placeInterfaces } from './place-interfaces.js';
import { reportDeps } from './context-deps.js';
import { deliverReport } from './deliver-report.js';
import { runReport, type RunReportRequest } from './run-report.js';
import { saveReport, type SavedReport } from './save-report.js';

/**
 * Kept back from the queries to save the report's files, when a bucket is configured: about 15
 * small PutObjects, four at a time, each answered in well under a second.
 */
export const FILES_RESERVE_MS = 10_000;
/**
 * Kept back from the queries to look up where the findings' interfaces live: one synchronous call
 * to the interfaces function, which asks every source account and region at once (an AssumeRole,
 * one DescribeNetworkInterfaces page per 200 names, one DescribeInstances page per 200 instances,
 * each answered in well under a second); a lookup still waiting then is given up and the report
 * keeps the bare ids.
 */
export const INTERFACES_RESERVE_MS = 10_000;

export interface ReportJobDeps {
  /** The report's settings: thresholds, time zone, when to notify. */
  readonly report: ReportConfig;
  /** Opens the context of one run (a composition root's); it is closed once the queries are done. */
  readonly open: ContextOpener;
  readonly now: () => Date;
}

export interface ReportJobRequest extends RunReportRequest {
  /** Time kept back from the queries and the files for delivery (the Lambda's); none without a deadline. */
  readonly deliveryReserveMs?: number;
  /** Known traffic to silence (a suppressions file). */
  readonly suppressions?: readonly Suppression[];
  /** CIDR blocks to flag, with labels (a watchlist file); over the list the configuration names. */
  readonly watchlist?: readonly WatchlistEntry[];
  /** Where interfaces live (the CLI's --interfaces file); over the context's own. */
  readonly interfaces?: InterfaceDirectory;
  /** When to send; the configured FLOWLOG_NOTIFY unless the caller says (the CLI always sends). */
  readonly notify?: NotifyWhen;
  /** Wraps the engine for this run (the CLI's progress bar). */
  readonly watch?: (engine: QueryEngine) => QueryEngine;
  /** Given the finished report before it is delivered (the CLI prints it and writes its files there). */
  readonly beforeDelivery?: (report: Report) => Promise<void> | void;
}

export interface ReportJobResult {
  /** The report as sent: with links to its saved files, and a warning for each that was not saved. */
  readonly report: Report;
  readonly notifications: ReportSummary['notifications'];
  /** What was saved to the bucket, when the context has an artifact store. */
  readonly saved?: SavedReport;
  /** Whether the run as a whole failed (no query succeeded, or no channel took the report). */
  readonly verdict: ReportVerdict;
}

/**
 * The report job of the Lambda and of the command line alike: runs the saved queries for one day,
 * saves the report's files (a file that cannot be saved is a warning in the report, not a
 * failure), delivers it through every notifier of the context, and judges the run. With a
 * deadline, the queries stop early enough to leave time for the files and the delivery.
 */
export async function runReportJob(deps: ReportJobDeps, request: ReportJobRequest): Promise<ReportJobResult> {
  const context = await deps.open();
  const deliveryReserveMs = request.deliveryReserveMs ?? 0;
  const filesReserveMs = context.artifacts === undefined ? 0 : FILES_RESERVE_MS;
  const interfaces = request.interfaces ?? context.interfaces;
  const interfacesReserveMs = interfaces === undefined ? 0 : INTERFACES_RESERVE_MS;
  const queriesDeadlineMs = request.deadlineMs === undefined ? undefined : request.deadlineMs - deliveryReserveMs - filesReserveMs - interfacesReserveMs;
  let built: Report;
  try {
    // A list the configuration names that cannot be read or is not valid is a warning in the report, never a failed run.
    const configured =
      request.suppressions !== undefined && request.watchlist !== undefined
        ? { warnings: [] }
        : await loadLists(
            context.lists,
            {
              ...(request.suppressions === undefined && deps.report.lists.suppressions !== undefined ? { suppressions: deps.report.lists.suppressions } : {}),
              ...(request.watchlist === undefined && deps.report.lists.watchlist !== undefined ? { watchlist: deps.report.lists.watchlist } : {}),
            },
            queriesDeadlineMs === undefined ? {} : { deadlineMs: queriesDeadlineMs },
          );
    const suppressions = request.suppressions ?? configured.suppressions;
    const watchlist = request.watchlist ?? configured.watchlist;
    const run = reportDeps(request.watch === undefined ? context : { ...context, engine: request.watch(context.engine) }, deps.report, deps.now);
    const ran = await runReport(
      {
        ...run,
        ...(suppressions === undefined ? {} : { suppressions }),
        ...(watchlist === undefined ? {} : { watchlist }),
        ...(configured.warnings.length === 0 ? {} : { warnings: configured.warnings }),
      },
      {
        date: request.date,
        ...(request.timezone === undefined ? {} : { timezone: request.timezone }),
        ...(request.requestId === undefined ? {} : { requestId: request.requestId }),
        ...(queriesDeadlineMs === undefined ? {} : { deadlineMs: queriesDeadlineMs }),
      },
    );
    // Where the interfaces live is help: a lookup that fails leaves the ids and a warning.
    built = await placeInterfaces(ran, interfaces, request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs - deliveryReserveMs - filesReserveMs });
  } finally {
    await context.close();
  }
  const saved =
    context.artifacts === undefined
      ? undefined
      : await saveReport(context.artifacts, built, request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs - deliveryReserveMs });
  const report = saved?.report ?? built;
  await request.beforeDelivery?.(report);
  const send = shouldNotify(report, request.notify ?? deps.report.notify);
  const notifications = await deliverReport(context.notifiers, report, send, request.deadlineMs === undefined ? {} : { deadlineMs: request.deadlineMs });
  return { report, notifications, ...(saved === undefined ? {} : { saved }), verdict: judgeReport(report, notifications) };
}
