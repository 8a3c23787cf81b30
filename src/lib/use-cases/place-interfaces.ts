import { describeError } from '../answers.js';
import type { InterfaceDirectory } from '../ports.js';
import { interfaceQuery, placeReport, queryIsEmpty, unplacedReport } from '../report/interfaces.js';
import type { Report } from '../report/model.js';

/**
 * Adds where each interface lives to a finished report: one lookup per run for every interface id
 * and private address its findings and digests name. The lookup is help, not the report: when it
 * fails (access denied, a timeout, the deadline) the report keeps the bare ids and says why in a
 * warning; it never fails the report.
 */
export async function placeInterfaces(report: Report, directory: InterfaceDirectory | undefined, options: { readonly deadlineMs?: number } = {}): Promise<Report> {
  if (directory === undefined) return report;
  const query = interfaceQuery(report);
  if (queryIsEmpty(query)) return report;
  try {
    return placeReport(report, await directory.describe(query, options), directory.source);
  } catch (error) {
    return unplacedReport(report, directory.source, describeError(error));
  }
}
