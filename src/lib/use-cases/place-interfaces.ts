import { describeError } from '../answers.js';
import type { InterfaceDirectory } from '../ports.js';
import { interfaceQuery, placeReport, queryIsEmpty, unplacedReport } from '../report/interfaces.js';
import type { Report } from '../report/model.js';

/**
 * Adds where each interface lives to a finished report: one lookup per run for every interface id
 * and private address its findings and digests name. The lookup is help, not the report: when it
 * fails (access denied, a timeout, the deadline) the report keeps the bare ids and says why in a
 * warning; when a part of it fails (one account or region) the rest is placed and a warning names
 * that part; it never fails the report.
 */
export async function placeInterfaces(report: Report, directory: InterfaceDirectory | undefined, options: { readonly deadlineMs?: number } = {}): Promise<Report> {
  if (directory === undefined) return report;
  const query = interfaceQuery(report);
  if (queryIsEmpty(query)) return report;
  try {
    const lookup = await directory.describe(query, options);
    return placeReport(report, lookup.interfaces, directory.source, lookup.warnings);
  } catch (error) {
    return unplacedReport(report, directory.source, describeError(error));
  }
}
