import type { Target } from './stats.js';

/** Athena bytes scanned by one daily report (all queries and builds) against the raw day's compressed size (issue 17). */
export const ATHENA_BYTES_VS_RAW = 1.3;

/** What the scan-once section returns for each set of sizes it bills by (bench/scan-once.ts, benchScanOnce). */
interface BilledFigures {
  readonly reportBytesRatio?: unknown;
  readonly sizes?: { readonly rawBytesPerDay?: unknown; readonly rollupBytesPerDay?: unknown };
}

/**
 * The Athena-bytes rows of issue 17's table, from the scan-once section's result: one with the
 * sizes measured on the sample, one with the modelled sizes; a row whose figure is missing keeps
 * no value (its verdict is then n/a, never a silent PASS).
 */
export function athenaBytesTargets(scanOnce: unknown): Target[] {
  const section = (typeof scanOnce === 'object' && scanOnce !== null ? scanOnce : {}) as Record<string, BilledFigures | undefined>;
  const row = (key: 'measured' | 'modelled', what: string): Target => {
    const figures = section[key];
    const value = typeof figures?.reportBytesRatio === 'number' ? figures.reportBytesRatio : undefined;
    const raw = figures?.sizes?.rawBytesPerDay;
    const rollup = figures?.sizes?.rollupBytesPerDay;
    const share = typeof raw === 'number' && typeof rollup === 'number' && raw > 0 ? `, rollup ${((rollup / raw) * 100).toFixed(0)}% of raw` : '';
    return { label: `Athena bytes per daily report vs raw compressed, ${what}${share}`, value, bound: 'at-most', limit: ATHENA_BYTES_VS_RAW, unit: 'x' };
  };
  return [row('measured', "sample's sizes"), row('modelled', 'modelled sizes')];
}
