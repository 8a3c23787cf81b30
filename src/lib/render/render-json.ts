/**
 * The report as JSON for machines (SNS `sqs`/`lambda`, `flowlog-pilot report --format json`).
 * Keys come out in the model's order whatever order the object was built in, so two runs with
 * the same facts give the same bytes; row keys keep the engine's column order.
 */
import type { BaselineStatus, Digest, Finding, InterfaceLookupSummary, InterfacePlace, QueryRun, Report, Series } from '../report/model.js';

/** Pretty (people read it in SQS consoles and CloudWatch) and byte-stable (tests and diffs compare it). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(canonicalReport(report), null, 2)}\n`;
}

/** The report with its keys in the model's order and nothing that is not in the model. */
export function canonicalReport(report: Report): Report {
  return {
    tool: report.tool,
    engine: report.engine,
    database: report.database,
    table: report.table,
    generatedAt: report.generatedAt,
    window: {
      date: report.window.date,
      start: report.window.start,
      end: report.window.end,
      timezone: report.window.timezone,
      partitions: [...report.window.partitions],
      ...(report.window.rollupDays === undefined ? {} : { rollupDays: [...report.window.rollupDays] }),
      ...(report.window.rawDays === undefined ? {} : { rawDays: [...report.window.rawDays] }),
    },
    totals: { records: report.totals.records, accepted: report.totals.accepted, rejected: report.totals.rejected, bytes: report.totals.bytes },
    findings: report.findings.map(canonicalFinding),
    digests: report.digests.map(canonicalDigest),
    ...(report.series === undefined ? {} : { series: report.series.map(canonicalSeries) }),
    ...(report.baseline === undefined ? {} : { baseline: canonicalBaseline(report.baseline) }),
    ...(report.building === undefined
      ? {}
      : { building: report.building.map((b) => ({ rule: b.rule, title: b.title, completeDays: b.completeDays, requiredDays: b.requiredDays })) }),
    ...(report.suppressed === undefined
      ? {}
      : {
          suppressed: report.suppressed.map((x) => ({
            rule: x.rule,
            entry: x.entry,
            reason: x.reason,
            expires: x.expires,
            count: x.count,
            rows: x.rows,
            ...(x.places === undefined ? {} : { places: x.places.map(canonicalPlace) }),
          })),
        }),
    ...(report.expiredSuppressions === undefined ? {} : { expiredSuppressions: report.expiredSuppressions.map((x) => ({ entry: x.entry, reason: x.reason, expires: x.expires })) }),
    queries: report.queries.map(canonicalQuery),
    bytesScanned: report.bytesScanned,
    costUsd: report.costUsd,
    ...(report.rawDay === undefined ? {} : { rawDay: { days: [...report.rawDay.days], files: report.rawDay.files, bytes: report.rawDay.bytes } }),
    warnings: [...report.warnings],
    ...(report.files === undefined
      ? {}
      : { files: { location: report.files.location, folderUrl: report.files.folderUrl, main: report.files.main, mainUrl: report.files.mainUrl } }),
    ...(report.interfaces === undefined ? {} : { interfaces: canonicalLookup(report.interfaces) }),
  };
}

function canonicalLookup(x: InterfaceLookupSummary): InterfaceLookupSummary {
  return { source: x.source, asked: x.asked, found: x.found, notFound: [...x.notFound], ...(x.error === undefined ? {} : { error: x.error }) };
}

/** Interface context in a fixed key order; fields EC2 did not give are left out. */
export function canonicalPlace(p: InterfacePlace): InterfacePlace {
  return {
    key: p.key,
    interfaceId: p.interfaceId,
    privateAddresses: [...p.privateAddresses],
    ...(p.instanceId === undefined ? {} : { instanceId: p.instanceId }),
    ...(p.name === undefined ? {} : { name: p.name }),
    securityGroups: p.securityGroups.map((g) => ({ id: g.id, name: g.name })),
    ...(p.subnetId === undefined ? {} : { subnetId: p.subnetId }),
    ...(p.vpcId === undefined ? {} : { vpcId: p.vpcId }),
    ...(p.interfaceType === undefined ? {} : { interfaceType: p.interfaceType }),
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(p.requesterId === undefined ? {} : { requesterId: p.requesterId }),
    ...(p.account === undefined ? {} : { account: p.account }),
    ...(p.region === undefined ? {} : { region: p.region }),
  };
}

function canonicalFinding(f: Finding): Finding {
  return {
    rule: f.rule,
    severity: f.severity,
    title: f.title,
    ...(f.technique === undefined ? {} : { technique: f.technique }),
    count: f.count,
    rows: f.rows,
    rowsLeftOut: f.rowsLeftOut,
    ...(f.resultsLocation === undefined ? {} : { resultsLocation: f.resultsLocation }),
    ...(f.newToday === undefined ? {} : { newToday: f.newToday }),
    ...(f.newRows === undefined ? {} : { newRows: f.newRows }),
    ...(f.seenDays === undefined ? {} : { seenDays: f.seenDays }),
    ...(f.seenOfDays === undefined ? {} : { seenOfDays: f.seenOfDays }),
    ...(f.places === undefined ? {} : { places: f.places.map(canonicalPlace) }),
  };
}

function canonicalBaseline(b: BaselineStatus): BaselineStatus {
  return {
    requiredDays: b.requiredDays,
    minDayHours: b.minDayHours,
    completeDays: b.completeDays,
    days: b.days.map((d) => ({
      date: d.date,
      hours: d.hours,
      ...(d.firstRecordAfterSeconds === undefined ? {} : { firstRecordAfterSeconds: d.firstRecordAfterSeconds }),
      complete: d.complete,
    })),
  };
}

function canonicalDigest(d: Digest): Digest {
  return {
    rule: d.rule,
    title: d.title,
    rows: d.rows,
    rowsLeftOut: d.rowsLeftOut,
    ...(d.resultsLocation === undefined ? {} : { resultsLocation: d.resultsLocation }),
    ...(d.places === undefined ? {} : { places: d.places.map(canonicalPlace) }),
  };
}

function canonicalSeries(s: Series): Series {
  return { rule: s.rule, title: s.title, rows: s.rows, rowsLeftOut: s.rowsLeftOut, ...(s.places === undefined ? {} : { places: s.places.map(canonicalPlace) }) };
}

function canonicalQuery(q: QueryRun): QueryRun {
  return {
    name: q.name,
    status: q.status,
    rows: q.rows,
    bytesScanned: q.bytesScanned,
    costUsd: q.costUsd,
    durationMs: q.durationMs,
    ...(q.queryId === undefined ? {} : { queryId: q.queryId }),
    ...(q.outputLocation === undefined ? {} : { outputLocation: q.outputLocation }),
    ...(q.error === undefined ? {} : { error: q.error }),
  };
}
