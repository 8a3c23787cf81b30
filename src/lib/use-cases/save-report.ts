import { describeError } from '../answers.js';
import { mapBounded } from '../concurrency.js';
import type { ArtifactStore } from '../ports.js';
import { mainArtifact, reportArtifacts } from '../render/artifacts.js';
import type { Report } from '../report/model.js';

/** Every report's files go under this prefix of the results bucket; the report role may write nowhere else. */
export const REPORTS_PREFIX = 'reports/';
/** Small files, one PutObject each: a few at once keeps a run of ~15 files to about one round trip. */
export const ARTIFACT_WRITES_IN_FLIGHT = 4;

/** `reports/<date>/`: one folder per report day; a rerun of the day replaces its files. */
export function reportFolder(date: string): string {
  return `${REPORTS_PREFIX}${date}/`;
}

export interface SavedReport {
  /** The report to send: with links to its files when the main one was written, and a warning for each that was not. */
  readonly report: Report;
  readonly written: readonly string[];
  readonly failed: readonly { readonly name: string; readonly error: string }[];
}

/**
 * Writes the report's files (reportArtifacts) to the store under reports/<date>/. A file that
 * cannot be written stops neither the others nor the notification: the report sent then says
 * which were not saved, and links to the folder only when its main file was written.
 */
export async function saveReport(store: ArtifactStore, report: Report, options: { readonly deadlineMs?: number } = {}): Promise<SavedReport> {
  const folder = reportFolder(report.window.date);
  const artifacts = reportArtifacts(report);
  const outcomes = await mapBounded(artifacts, ARTIFACT_WRITES_IN_FLIGHT, async (artifact) => {
    try {
      await store.put(`${folder}${artifact.name}`, artifact.body, artifact.contentType, options);
      return { name: artifact.name };
    } catch (error) {
      return { name: artifact.name, error: describeError(error) };
    }
  });
  const written = outcomes.filter((o) => o.error === undefined).map((o) => o.name);
  const failed = outcomes.flatMap((o) => (o.error === undefined ? [] : [{ name: o.name, error: o.error }]));
  const main = mainArtifact(artifacts);
  const linked = main !== undefined && written.includes(main.name);
  const warnings =
    failed.length === 0
      ? []
      : [
          `${failed.length} of ${artifacts.length} report files could not be saved under ${folder} (${failed
            .slice(0, 3)
            .map((f) => f.name)
            .join(', ')}${failed.length > 3 ? ', ...' : ''}); first error: ${failed[0]?.error ?? ''}`,
        ];
  return {
    report: {
      ...report,
      warnings: [...report.warnings, ...warnings],
      ...(linked ? { files: store.linkTo(folder, `${folder}${main.name}`) } : {}),
    },
    written,
    failed,
  };
}
