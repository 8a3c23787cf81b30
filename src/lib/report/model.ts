/**
 * The one Report object a report run produces; every rendering (text, JSON, Slack, SNS) is a
 * pure function of it.
 */
import type { Row } from '../rows.js';

export type Severity = 'high' | 'medium' | 'low';

export interface ReportWindow {
  /** The report's calendar day in its time zone, YYYY-MM-DD. */
  readonly date: string;
  /** ISO 8601 instants, start inclusive, end exclusive. */
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
  /** The `dt` partition values read (YYYY/MM/DD). */
  readonly partitions: readonly string[];
  /** UTC days (YYYY-MM-DD) of the window and its baseline served from the stored daily rollup. */
  readonly rollupDays?: readonly string[];
  /** UTC days read from the raw logs: not complete yet when the report ran. */
  readonly rawDays?: readonly string[];
}

export interface Totals {
  readonly records: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly bytes: number;
}

/** A detection that matched: what happened, how bad, and the rows that show it. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  /** MITRE ATT&CK technique id, e.g. T1046. */
  readonly technique?: string;
  readonly count: number;
  readonly rows: readonly Row[];
  /** Rows not shown here; the full result is at `resultsLocation`. */
  readonly rowsLeftOut: number;
  readonly resultsLocation?: string;
  /** True when a row's key (the rule and its source or host) matched on none of the baseline days. */
  readonly newToday?: boolean;
  /** Rows (of those kept) whose key is new today. */
  readonly newRows?: number;
  /** For an ongoing finding: the fewest baseline days on which one of its keys matched. */
  readonly seenDays?: number;
  /** Baseline days that had records, the "of the last N days". */
  readonly seenOfDays?: number;
  /** Where the interfaces and private addresses its rows name live (when they could be looked up). */
  readonly places?: readonly InterfacePlace[];
}

/** A digest: a top-N list included every day whether or not anything is wrong. */
export interface Digest {
  readonly rule: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly rowsLeftOut: number;
  readonly resultsLocation?: string;
  /** Where the interfaces and private addresses its rows name live (when they could be looked up). */
  readonly places?: readonly InterfacePlace[];
}

/** Data a chart of the HTML report draws (a saved query of kind `series`); text renderings leave it out. */
export interface Series {
  readonly rule: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly rowsLeftOut: number;
  /** Where the private addresses its rows name live (the host-egress chart's hosts). */
  readonly places?: readonly InterfacePlace[];
}

/** One day before the report day, and whether the baseline rules may compare with it. */
export interface BaselineDay {
  /** The local calendar day, YYYY-MM-DD. */
  readonly date: string;
  /** Hours of the day in which records start (NODATA included), 0 to 24. */
  readonly hours: number;
  /** Seconds from the day's start to its first record; absent for a day without records. */
  readonly firstRecordAfterSeconds?: number;
  readonly complete: boolean;
}

/** How mature the baseline is: spike rules fire only with `requiredDays` complete days. */
export interface BaselineStatus {
  readonly requiredDays: number;
  readonly minDayHours: number;
  readonly completeDays: number;
  /** Oldest first. */
  readonly days: readonly BaselineDay[];
}

/** A baseline rule that did not run its comparison: "baseline building: k of N days". */
export interface BaselineBuilding {
  readonly rule: string;
  readonly title: string;
  readonly completeDays: number;
  readonly requiredDays: number;
}

/** A suppression that silenced rows of one finding today. */
export interface SuppressedMatch {
  readonly rule: string;
  readonly entry: number;
  readonly reason: string;
  readonly expires: string;
  readonly count: number;
  readonly rows: readonly Row[];
  /** Where the interfaces and private addresses of its rows live (when they could be looked up). */
  readonly places?: readonly InterfacePlace[];
}

/** An entry past its expiry date: listed so someone renews or deletes it. */
export interface ExpiredSuppression {
  readonly entry: number;
  readonly reason: string;
  readonly expires: string;
}

export interface QueryRun {
  readonly name: string;
  readonly status: 'succeeded' | 'failed';
  readonly rows: number;
  readonly bytesScanned: number;
  readonly costUsd: number;
  readonly durationMs: number;
  readonly queryId?: string;
  readonly outputLocation?: string;
  readonly error?: string;
  /** The result's column names, so a file of it has its header even with no rows (not rendered in the JSON). */
  readonly columns?: readonly string[];
}

/**
 * Where the report's files were saved for people to open (the results bucket on AWS): links to
 * the S3 console, which asks the reader to sign in; nothing is public and nothing expires.
 */
export interface ReportFiles {
  /** The folder, s3://bucket/reports/YYYY-MM-DD/ */
  readonly location: string;
  /** The folder's page in the S3 console. */
  readonly folderUrl: string;
  /** The file to open first (report.html when written, else report.txt). */
  readonly main: string;
  /** The main file's page in the S3 console. */
  readonly mainUrl: string;
}

/** The raw folders' compressed size a report is compared with: Athena bills gz text by the byte. */
export interface RawDaySize {
  /** The UTC days whose folders were listed (a UTC report: its day). */
  readonly days: readonly string[];
  readonly files: number;
  readonly bytes: number;
}

export interface Report {
  readonly tool: 'flowlog-pilot';
  readonly engine: 'athena' | 'local';
  readonly database: string;
  readonly table: string;
  readonly generatedAt: string;
  readonly window: ReportWindow;
  readonly totals: Totals;
  readonly findings: readonly Finding[];
  readonly digests: readonly Digest[];
  /** Chart data; present when the catalogue has series queries (absent in reports read back from SNS). */
  readonly series?: readonly Series[];
  /** Completeness of the baseline days, when the report's rules read a baseline. */
  readonly baseline?: BaselineStatus;
  /** Baseline rules held back until the baseline has enough complete days. */
  readonly building?: readonly BaselineBuilding[];
  /** Rows that active suppressions silenced, by rule and entry: counted and listed apart, never dropped. */
  readonly suppressed?: readonly SuppressedMatch[];
  /** Suppression entries past their expiry date; they no longer apply. */
  readonly expiredSuppressions?: readonly ExpiredSuppression[];
  readonly queries: readonly QueryRun[];
  readonly bytesScanned: number;
  readonly costUsd: number;
  /** The compressed size of the raw folders the window reads, which bytesScanned is compared with (when they could be listed). */
  readonly rawDay?: RawDaySize;
  /** Things that did not stop the report but that a reader should know (a skipped corrupt file). */
  readonly warnings: readonly string[];
  /** Where the report's files were saved, when they were (the report Lambda with a results bucket). */
  readonly files?: ReportFiles;
  /** How the interfaces named in findings, digests, suppressed rows and chart series were looked up; absent when nothing was asked. */
  readonly interfaces?: InterfaceLookupSummary;
}

/** A security group an interface is in. */
export interface SecurityGroupRef {
  readonly id: string;
  readonly name: string;
}

/**
 * Where one network interface lives, as EC2 DescribeNetworkInterfaces (or a file saved from it)
 * tells it: what a reader otherwise opens the EC2 console for.
 */
export interface InterfaceFacts {
  readonly interfaceId: string;
  /** Its private IPv4 and IPv6 addresses. */
  readonly privateAddresses: readonly string[];
  /** The instance it is attached to, when it is an instance's. */
  readonly instanceId?: string;
  /**
   * What people call it: its instance's Name tag (EC2 DescribeInstances, or a saved
   * describe-instances file), else the interface's own Name tag.
   */
  readonly name?: string;
  readonly securityGroups: readonly SecurityGroupRef[];
  readonly subnetId?: string;
  readonly vpcId?: string;
  /** EC2's interface type: interface, nat_gateway, lambda, network_load_balancer, vpc_endpoint, ... */
  readonly interfaceType?: string;
  /** What made it, in EC2's words, e.g. "Interface for NAT Gateway nat-0a1b..." or "AWS Lambda VPC ENI-...". */
  readonly description?: string;
  /** The service or account that created it, for interfaces AWS manages (amazon-elb, an account id, ...). */
  readonly requesterId?: string;
  /** The account that owns it (EC2's OwnerId, or the account it was looked up in). */
  readonly account?: string;
  /** The region it was looked up in (EC2 lookups; a saved file does not say). */
  readonly region?: string;
}

/** One interface id or private address named in a finding's or digest's rows, and where it lives. */
export interface InterfacePlace extends InterfaceFacts {
  /** The value as the rows show it: the interface id, or the private address. */
  readonly key: string;
}

/** How the interfaces were looked up: from where, how many names were found, which were not. */
export interface InterfaceLookupSummary {
  /** "EC2 DescribeNetworkInterfaces" or "file <path>". */
  readonly source: string;
  /** Distinct interface ids and private addresses the findings, digests, suppressed rows and chart series name. */
  readonly asked: number;
  readonly found: number;
  /** Names the source does not know (deleted since, or in another account or region). */
  readonly notFound: readonly string[];
  /** Why the lookup failed; every name is then shown as its bare id. */
  readonly error?: string;
}
