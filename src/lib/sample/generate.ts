import { dtOf, startOfDayMs, type UtcDay } from '../dates.js';
import { headerLine } from '../flowlog/format.js';
import { planIncidents, type IncidentPlan, type IncidentSummary, type SkippedIncident } from './incidents.js';
import type { ResolvedSampleOptions } from './options.js';
import { rngFor, type Rng } from './prng.js';
import { lineWriter } from './record-line.js';
import { emptyRecord, fillNormal, fillStatusOnly, isEgressToInternet, type FlowRecord } from './traffic.js';
import { buildWorld, type SourceWorld } from './world.js';

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

export function sourceFolder(account: string, region: string): string {
  return `AWSLogs/${account}/vpcflowlogs/${region}/`;
}

/** AWS's file name: `<account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`. */
export function logFileName(world: Pick<SourceWorld, 'account' | 'region' | 'flowLogId'>, day: UtcDay, hour: number, hash: string): string {
  const stamp = `${day.replaceAll('-', '')}T${String(hour).padStart(2, '0')}05Z`;
  return `${world.account}_vpcflowlogs_${world.region}_${world.flowLogId}_${stamp}_${hash}.log.gz`;
}

/**
 * Produces the sample, file by file, with no I/O: the caller writes each file's chunks before
 * asking for the next file (a day's late records are handed on to the next day's first file).
 * The manifest is complete once every file has been consumed.
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
    const o = this.#options;
    for (const [sourceIndex, source] of o.sources.entries()) {
      const world = buildWorld(o.seed, source, sourceIndex, o.recordsPerDay);
      const root = sourceFolder(world.account, world.region);
      this.#sources.push({ account: world.account, region: world.region, flowLogId: world.flowLogId, vpcId: world.vpcId, interfaces: world.hosts.length, root });
      const write = lineWriter(o.format, world);
      const header = headerLine(o.format);
      const rec = emptyRecord(world.hosts[0] as SourceWorld['hosts'][number]);
      const rejectsPerDay: number[] = [];
      const egressBytesByHost = world.hosts.map(() => 0);
      let carried: Carry = { lines: [], rejected: 0 };
      for (const [dayIndex, day] of o.days.entries()) {
        const last = dayIndex === o.days.length - 1;
        const folder: SampleFolder = {
          account: world.account, region: world.region, day, path: `${root}${dtOf(day)}/`, files: [],
          records: 0, nodata: 0, skipdata: 0, rejected: carried.rejected, carriedIn: carried.lines.length, carriedOut: 0,
        };
        this.#folders.push(folder);
        let plans: IncidentPlan[] = [];
        if (last && o.incidents) {
          const planned = planIncidents(world, day, { rejectsPerDay, egressBytesByHost }, rngFor(o.seed, 'incidents', world.account, world.region, day));
          plans = planned.plans;
          this.#incidents.push(...plans.map((p) => p.summary));
          this.#skipped.push(...planned.skipped);
        }
        const hourCounts = splitByWeights(o.recordsPerDay, HOUR_WEIGHTS);
        const special = statusOnlyCounts(o.recordsPerDay);
        const nodataByHour = splitByWeights(special.nodata, hourCounts);
        const skipdataByHour = splitByWeights(special.skipdata, hourCounts);
        const dayStartSec = startOfDayMs(day) / 1000;
        const dayTally = { rejects: 0 };
        for (let hour = 0; hour < 24; hour++) {
          const carriedIn = hour === 0 ? carried.lines : [];
          if (hour === 0) carried = { lines: [], rejected: 0 };
          const hourStartSec = dayStartSec + hour * 3600;
          const name = logFileName(world, day, hour, rngFor(o.seed, 'file', world.account, world.region, day, hour).hex(8));
          const handOn = !last && hour === 23 ? carried : undefined;
          const counts = { normal: hourCounts[hour] as number, nodata: nodataByHour[hour] as number, skipdata: skipdataByHour[hour] as number };
          const seed = o.seed;
          yield {
            path: `${folder.path}${name}`,
            folder,
            *chunks() {
              const out = new ChunkBuffer();
              let written = 0;
              const emit = (line: string): Buffer | undefined => {
                if (written === 0) out.add(header);
                written++;
                return out.add(line);
              };
              for (const line of carriedIn) {
                const full = emit(line);
                if (full) yield full;
              }
              const rng = rngFor(seed, 'hour', world.account, world.region, day, hour);
              let nodataLeft = counts.nodata;
              let skipLeft = counts.skipdata;
              for (let i = 0; i < counts.normal; i++) {
                const remaining = counts.normal - i;
                const pickSpecial = nodataLeft + skipLeft > 0 && rng.next() * remaining < nodataLeft + skipLeft;
                if (pickSpecial) {
                  const nodata = rng.next() * (nodataLeft + skipLeft) < nodataLeft;
                  if (nodata) nodataLeft--;
                  else skipLeft--;
                  fillStatusOnly(rec, rng, world, hourStartSec, nodata ? 'NODATA' : 'SKIPDATA');
                  if (nodata) folder.nodata++;
                  else folder.skipdata++;
                } else {
                  fillNormal(rec, rng, world, hourStartSec);
                  if (rec.action === 'REJECT') dayTally.rejects++;
                  if (isEgressToInternet(rec)) egressBytesByHost[rec.host.index] = (egressBytesByHost[rec.host.index] as number) + rec.bytes;
                }
                if (handOn !== undefined && rec.start - hourStartSec >= LATE_DELIVERY_OFFSET_SEC) {
                  handOn.lines.push(write(rec));
                  if (rec.status === 'OK' && rec.action === 'REJECT') handOn.rejected++;
                  folder.carriedOut++;
                  continue;
                }
                if (rec.status === 'OK' && rec.action === 'REJECT') folder.rejected++;
                const full = emit(write(rec));
                if (full) yield full;
              }
              for (const [planIndex, plan] of plans.entries()) {
                const count = plan.perHour[hour] ?? 0;
                const incidentRng = rngFor(seed, 'incident', planIndex, world.account, world.region, day, hour);
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
              if (written > 0) folder.files.push(name);
              if (hour === 23) rejectsPerDay.push(dayTally.rejects);
            },
          };
        }
      }
    }
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
