import type { Report } from '../lib/report/model.js';

/**
 * The report as a person reads it in a terminal. The text rendering (renderText in
 * src/lib/report/render-text.ts) is merged separately; until then this prints the JSON report.
 * Switching is this one function.
 */
export function renderReportText(report: Report): string {
  return renderReportJson(report);
}

export function renderReportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
