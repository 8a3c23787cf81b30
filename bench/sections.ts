import { benchFileSizes } from './file-sizes.js';
import { benchParquetBytes } from './parquet-bytes.js';
import { benchScanOnce } from './scan-once.js';

/**
 * Further benchmark sections, run after the built-in ones with the same sample. A section adds
 * itself by appending to EXTRA_SECTIONS (one import and one entry here), so main.ts never changes
 * for a new measurement.
 */
export interface BenchSectionContext {
  /** Records asked for (--records). */
  readonly records: number;
  /** The benchmark's work folder (--work); the sample is in `<workDir>/data`. */
  readonly workDir: string;
  readonly dataDir: string;
  /** The sample's day, YYYY-MM-DD (UTC). */
  readonly day: string;
  /** Repetitions asked for (--runs): report medians over them. */
  readonly runs: number;
  /** The path of the built benchmark, to run a measurement in a fresh child process. */
  readonly benchScript: string;
  readonly log: (line: string) => void;
}

export interface BenchSection {
  readonly name: string;
  /** Prints its own figures through `log`; what it returns is stored under its name in the results file. */
  run(context: BenchSectionContext): Promise<unknown>;
}

/** Scan once writes its own 8-day sample: capped so that a 5-million-record run stays within minutes. */
const SCAN_ONCE_MAX_RECORDS_PER_DAY = 500_000;

export const EXTRA_SECTIONS: readonly BenchSection[] = [
  {
    name: 'Scan once (daily rollup)',
    run: (context) => benchScanOnce({ records: Math.min(context.records, SCAN_ONCE_MAX_RECORDS_PER_DAY), workDir: context.workDir, log: context.log }),
  },
  {
    // Local file sizes only; Athena's bytes scanned, Parquet against text, is not measured here.
    name: 'File sizes (text and Parquet)',
    run: (context) => benchFileSizes({ records: Math.min(context.records, SCAN_ONCE_MAX_RECORDS_PER_DAY), workDir: context.workDir, day: context.day, log: context.log }),
  },
  {
    // What Athena would bill for a daily report's raw reads, Parquet against text (issue 16).
    name: 'Bytes read per report (text and Parquet)',
    run: (context) => benchParquetBytes({ records: Math.min(context.records, SCAN_ONCE_MAX_RECORDS_PER_DAY), workDir: context.workDir, day: context.day, log: context.log }),
  },
];
