import type { SourceId } from '../lib/config.js';
import { startOfDayMs, type UtcDay } from '../lib/dates.js';
import { dayFolder, hourFolder, sourceFolder } from '../lib/partitions/layout.js';
import { headerLine } from '../lib/flowlog/format.js';
import { planIncidents, planOngoing, type IncidentPlan, type IncidentSummary, type SkippedIncident } from './incidents.js';
import type { ResolvedSampleOptions } from './options.js';
import { rngFor } from './prng.js';
import { lineWriter, type LineWriter } from './record-line.js';
import { emptyRecord, fillNormal, fillStatusOnly, isEgressToInternet, type FlowRecord } from './traffic.js';
import { buildWorld, type Host, type SourceWorld } from './world.js';

/** One day folder of one source, counted exactly as written. */
export interface SampleFolder {
  readonly account: string;
  readonly region: string;
  readonly day: UtcDay;
  /** Relative to the output folder, ending with `/`. */
  readonly path: string;
  /** File names in the folder, in the order written. */
  readonly files: string[];
  /** Records in the folder's files (header lines not counted). */
  records: number;
  nodata: number;
  skipdata: number;
  rejected: number;
  /** Records that started late on the day before and were delivered into this folder. */
  carriedIn: number;
  /** Records that started late on this day and were delivered into the next day's folder. */
  carriedOut: number;
}

export interface SampleSourceInfo {
  readonly account: string;
  readonly region: string;
  readonly flowLogId: string;
  readonly vpcId: string;
  readonly interfaces: number;
  /** Relative to the output folder: the table LOCATION of this source. */
  readonly root: string;
}

export interface SampleManifest {
  readonly seed: string;
  readonly days: readonly UtcDay[];
  readonly recordsPerDay: number;
  readonly header: string;
  readonly incidentsEnabled: boolean;
  readonly sources: readonly SampleSourceInfo[];
  readonly folders: readonly SampleFolder[];
  readonly files: number;
  readonly records: number;
  readonly incidents: readonly IncidentSummary[];
  readonly skippedIncidents: readonly SkippedIncident[];
}

/** One log file to write: its path relative to the output folder and its text, in chunks. */
export interface SampleFile {
  readonly path: string;
  readonly folder: SampleFolder;
  /** Yields the header and records; yields nothing when the file would hold no record. */
  chunks(): Generator<Uint8Array>;
}

/** UTC hour weights: busiest in Japan's working day (00:00-09:00 UTC), quiet at night there. */
const HOUR_WEIGHTS = [1.6, 1.8, 1.9, 1.9, 1.8, 1.8, 1.7, 1.6, 1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9, 1.1, 1.3];
/** Records starting this late in the last hour are delivered after midnight, into the next day's folder. */
const LATE_DELIVERY_OFFSET_SEC = 3300;
const NODATA_SHARE = 0.002;
const SKIPDATA_SHARE = 0.00005;
/** Text is gathered into buffers of this size before compression: big enough to keep zlib busy. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Collects lines as bytes. Copying each line into a buffer is about twice as fast as joining
 * millions of small strings, and the buffers go straight to zlib.
 */
class ChunkBuffer {
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;

  /** Adds one line (ASCII) and its newline; returns a full buffer when it is time to hand one on. */
  add(line: string): Buffer | undefined {
    let full: Buffer | undefined;
    if (this.#used + line.length + 1 > this.#buffer.length) {
      full = this.take();
      if (line.length + 1 > this.#buffer.length) this.#buffer = Buffer.allocUnsafe(line.length + 1);
    }
    this.#used += this.#buffer.write(line, this.#used, 'latin1');
    this.#buffer[this.#used++] = 10;
    return full;
  }

  /** The bytes gathered so far, or undefined if none; starts a new buffer. */
  take(): Buffer | undefined {
    if (this.#used === 0) return undefined;
    const full = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.#used = 0;
    return full;
  }
}

/** Late records handed from one day's last file to the next day's first file. */
interface Carry {
  readonly lines: string[];
  rejected: number;
}

/** Splits `total` over `weights` so that the parts are whole numbers summing to exactly `total`. */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i] = (parts[i] as number) + 1;
    left--;
  }
  return parts;
}

/** NODATA and SKIPDATA records of one day: a few of each, none in tiny samples. */
export function statusOnlyCounts(recordsPerDay: number): { nodata: number; skipdata: number } {
  return {
    nodata: recordsPerDay >= 100 ? Math.max(1, Math.round(recordsPerDay * NODATA_SHARE)) : 0,
    skipdata: recordsPerDay >= 2000 ? Math.max(1, Math.round(recordsPerDay * SKIPDATA_SHARE)) : 0,
  };
}

/** AWS's file name: `<account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`. */
export function logFileName(world: Pick<SourceWorld, 'account' | 'region' | 'flowLogId'>, day: UtcDay, hour: number, hash: string): string {
  const stamp = `${day.replaceAll('-', '')}T${String(hour).padStart(2, '0')}05Z`;
  return `${world.account}_vpcflowlogs_${world.region}_${world.flowLogId}_${stamp}_${hash}.log.gz`;
}

/** Everything that lasts across the days of one source: its world, and what the quiet days looked like. */
interface SourceRun {
  readonly seed: string;
  /** Long-lived connections to draw normal records from; 0: every record its own. */
  readonly connections: number;
  readonly world: SourceWorld;
  readonly header: string;
  readonly write: LineWriter;
  /** The one record object every line is filled into. */
  readonly rec: FlowRecord;
  readonly rejectsPerDay: number[];
  readonly egressBytesByHost: number[];
}

/** One hour file of one day: what goes in it and where its counts go. */
interface HourJob {
  readonly day: UtcDay;
  readonly hour: number;
  readonly hourStartSec: number;
  readonly normal: number;
  readonly nodata: number;
  readonly skipdata: number;
  /** Late records of the day before, written first (hour 0 only). */
  readonly carriedIn: readonly string[];
  /** Where this hour's late records go (hour 23 of every day but the last). */
  readonly handOn: Carry | undefined;
  readonly plans: readonly IncidentPlan[];
  readonly folder: SampleFolder;
  readonly name: string;
  /** Counts the day's REJECT records by start time, for the next days' baseline. */
  readonly dayRejects: { count: number };
}

/**
 * Produces the sample, file by file, with no I/O: the caller writes each file's chunks before
 * asking for the next file (a day's late records are handed on to the next day's first file, and
 * the last day's incidents are sized from the days before). The manifest is complete once every
 * file has been consumed.
 */
export class SampleGenerator {
  readonly #options: ResolvedSampleOptions;
  readonly #folders: SampleFolder[] = [];
  readonly #sources: SampleSourceInfo[] = [];
  readonly #incidents: IncidentSummary[] = [];
  readonly #skipped: SkippedIncident[] = [];

  constructor(options: ResolvedSampleOptions) {
    this.#options = options;
  }

  *files(): Generator<SampleFile> {
    for (const [sourceIndex, source] of this.#options.sources.entries()) yield* this.#sourceFiles(source, sourceIndex);
  }

  *#sourceFiles(source: SourceId, sourceIndex: number): Generator<SampleFile> {
    const o = this.#options;
    const world = buildWorld(o.seed, source, sourceIndex, o.recordsPerDay);
    const root = sourceFolder(world.account, world.region, o.folders);
    this.#sources.push({ account: world.account, region: world.region, flowLogId: world.flowLogId, vpcId: world.vpcId, interfaces: world.hosts.length, root });
    const run: SourceRun = {
      seed: o.seed,
      connections: o.connections,
      world,
      header: headerLine(o.format),
      write: lineWriter(o.format, world),
      rec: emptyRecord(world.hosts[0] as Host),
      rejectsPerDay: [],
      egressBytesByHost: world.hosts.map(() => 0),
    };
    const hourCounts = splitByWeights(o.recordsPerDay, HOUR_WEIGHTS);
    const special = statusOnlyCounts(o.recordsPerDay);
    const nodataByHour = splitByWeights(special.nodata, hourCounts);
    const skipdataByHour = splitByWeights(special.skipdata, hourCounts);
    let carried: Carry = { lines: [], rejected: 0 };
    for (const [dayIndex, day] of o.days.entries()) {
      const last = dayIndex === o.days.length - 1;
      const folder: SampleFolder = {
        account: world.account,
        region: world.region,
        day,
        path: `${root}${dayFolder(day, o.folders)}`,
        files: [],
        records: 0,
        nodata: 0,
        skipdata: 0,
        rejected: carried.rejected,
        carriedIn: carried.lines.length,
        carriedOut: 0,
      };
      this.#folders.push(folder);
      const plans = !o.incidents ? [] : last ? this.#planIncidents(run, day) : planOngoing(world, day);
      const dayStartSec = startOfDayMs(day) / 1000;
      const dayRejects = { count: 0 };
      const carriedIn = carried.lines;
      carried = { lines: [], rejected: 0 };
      for (let hour = 0; hour < 24; hour++) {
        const file = logFileName(world, day, hour, rngFor(o.seed, 'file', world.account, world.region, day, hour).hex(8));
        const name = o.perHour ? `${hourFolder(hour, o.folders)}${file}` : file;
        const job: HourJob = {
          day,
          hour,
          hourStartSec: dayStartSec + hour * 3600,
          normal: hourCounts[hour] as number,
          nodata: nodataByHour[hour] as number,
          skipdata: skipdataByHour[hour] as number,
          carriedIn: hour === 0 ? carriedIn : [],
          handOn: !last && hour === 23 ? carried : undefined,
          plans,
          folder,
          name,
          dayRejects,
        };
        yield { path: `${folder.path}${name}`, folder, chunks: () => hourChunks(run, job) };
      }
    }
  }

  #planIncidents(run: SourceRun, day: UtcDay): IncidentPlan[] {
    const { world } = run;
    const baseline = { rejectsPerDay: run.rejectsPerDay, egressBytesByHost: run.egressBytesByHost };
    const planned = planIncidents(world, day, baseline, rngFor(run.seed, 'incidents', world.account, world.region, day));
    this.#incidents.push(...planned.plans.map((p) => p.summary));
    this.#skipped.push(...planned.skipped);
    return planned.plans;
  }

  manifest(): SampleManifest {
    const o = this.#options;
    return {
      seed: o.seed,
      days: o.days,
      recordsPerDay: o.recordsPerDay,
      header: headerLine(o.format),
      incidentsEnabled: o.incidents,
      sources: this.#sources,
      folders: this.#folders,
      files: this.#folders.reduce((sum, f) => sum + f.files.length, 0),
      records: this.#folders.reduce((sum, f) => sum + f.records, 0),
      incidents: this.#incidents,
      skippedIncidents: this.#skipped,
    };
  }
}

/**
 * The text of one hour file: the late records of the day before, the hour's records (NODATA and
 * SKIPDATA ones at random places among them), then the incident records of that hour. Counts go
 * to the folder as the lines are made; the header comes only if there is at least one record.
 */
function* hourChunks(run: SourceRun, job: HourJob): Generator<Uint8Array> {
  const { world, rec, write, header } = run;
  const { folder, hourStartSec, handOn } = job;
  const out = new ChunkBuffer();
  let written = 0;
  const emit = (line: string): Buffer | undefined => {
    if (written === 0) out.add(header);
    written++;
    return out.add(line);
  };
  for (const line of job.carriedIn) {
    const full = emit(line);
    if (full) yield full;
  }
  const rng = rngFor(run.seed, 'hour', world.account, world.region, job.day, job.hour);
  let nodataLeft = job.nodata;
  let skipLeft = job.skipdata;
  for (let i = 0; i < job.normal; i++) {
    const specialLeft = nodataLeft + skipLeft;
    if (specialLeft > 0 && rng.next() * (job.normal - i) < specialLeft) {
      const nodata = rng.next() * specialLeft < nodataLeft;
      fillStatusOnly(rec, rng, world, hourStartSec, nodata ? 'NODATA' : 'SKIPDATA');
      if (nodata) nodataLeft--;
      else skipLeft--;
    } else {
      const connection = run.connections > 0 ? rngFor(run.seed, 'connection', world.account, world.region, rng.below(run.connections)) : rng;
      fillNormal(rec, rng, world, hourStartSec, connection);
      if (rec.action === 'REJECT') job.dayRejects.count++;
      if (isEgressToInternet(rec)) run.egressBytesByHost[rec.host.index] = (run.egressBytesByHost[rec.host.index] as number) + rec.bytes;
    }
    const rejected = rec.status === 'OK' && rec.action === 'REJECT';
    if (handOn !== undefined && rec.start - hourStartSec >= LATE_DELIVERY_OFFSET_SEC) {
      handOn.lines.push(write(rec));
      if (rejected) handOn.rejected++;
      folder.carriedOut++;
      continue;
    }
    if (rejected) folder.rejected++;
    if (rec.status === 'NODATA') folder.nodata++;
    if (rec.status === 'SKIPDATA') folder.skipdata++;
    const full = emit(write(rec));
    if (full) yield full;
  }
  for (const [planIndex, plan] of job.plans.entries()) {
    const count = plan.perHour[job.hour] ?? 0;
    const incidentRng = rngFor(run.seed, 'incident', planIndex, world.account, world.region, job.day, job.hour);
    for (let i = 0; i < count; i++) {
      plan.fill(rec, incidentRng, hourStartSec, i);
      if (rec.action === 'REJECT') folder.rejected++;
      const full = emit(write(rec));
      if (full) yield full;
    }
  }
  folder.records += written;
  const rest = out.take();
  if (rest) yield rest;
  if (written > 0) folder.files.push(job.name);
  if (job.hour === 23) run.rejectsPerDay.push(job.dayRejects.count);
}
