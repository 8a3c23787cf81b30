import { dtOf, parseDay, type DayRange, type UtcDay } from '../dates.js';
import { ACCOUNT_KEY, DT_KEY, INTEGRATION_HOURLY_KEYS, INTEGRATION_KEYS, REGION_KEY, dayLocation, hourFolder, type PartitionLayout, type Source } from './layout.js';
import type { Partition } from './plan.js';

/** The `aws-service` value of every flow-log folder. */
const SERVICE = 'vpcflowlogs';
const HOURS = 24;

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** True for the console integration's keys, daily or hourly. */
export function isIntegrationKeys(keys: readonly string[]): boolean {
  return sameKeys(keys, INTEGRATION_KEYS) || sameKeys(keys, INTEGRATION_HOURLY_KEYS);
}

const hourly = (tableKeys: readonly string[]) => tableKeys.includes('hour');

/**
 * The partitions of the table's own scheme for planned (day) partitions: one per day and source,
 * or one per hour of it (LOCATION the hour folder) when the table is keyed by hour too.
 */
export function tablePartitions(layout: PartitionLayout, tableKeys: readonly string[], partitions: readonly Partition[]): Partition[] {
  return partitions.flatMap((partition) => {
    const dt = partition.values[DT_KEY] ?? '';
    const [year = '', month = '', day = ''] = dt.split('/');
    const source = sourceOf(layout, partition);
    const values = { 'aws-account-id': source.account, 'aws-service': SERVICE, 'aws-region': source.region, year, month, day };
    if (!hourly(tableKeys)) return [{ values, location: partition.location }];
    return Array.from({ length: HOURS }, (_, h) => ({
      values: { ...values, hour: String(h).padStart(2, '0') },
      location: `${partition.location}${hourFolder(h, source.folders)}`,
    }));
  });
}

function sourceOf(layout: PartitionLayout, partition: Partition): Source {
  const account = partition.values[ACCOUNT_KEY];
  const region = partition.values[REGION_KEY];
  const found = layout.sources.find((s) => s.account === account && s.region === region) ?? (layout.sources.length === 1 ? layout.sources[0] : undefined);
  if (found === undefined) throw new Error(`no source ${account}:${region} in the layout`);
  return found;
}

/**
 * The planned (day) partitions a listing of the table's own partitions holds: a source's day is
 * there when its day partition is, or, for an hourly table, when all 24 hour partitions are (a
 * day with an hour missing is planned again; ADD IF NOT EXISTS adds only that hour). Other
 * accounts', regions' and services' partitions and days out of the range are left out.
 */
export function plannedPartitions(layout: PartitionLayout, tableKeys: readonly string[], listed: readonly Partition[], range: DayRange): Partition[] {
  const multi = layout.keys.includes(ACCOUNT_KEY);
  const found = new Map<string, { source: Source; day: UtcDay; hours: Set<string> }>();
  for (const partition of listed) {
    const v = partition.values;
    if (v['aws-service'] !== SERVICE) continue;
    const source = layout.sources.find((s) => s.account === v['aws-account-id'] && s.region === v['aws-region']);
    if (source === undefined) continue;
    const day = calendarDay(`${v.year}-${v.month}-${v.day}`);
    if (day === undefined || day < range.from || day > range.to) continue;
    const id = `${source.account}/${source.region}/${day}`;
    const entry = found.get(id) ?? { source, day, hours: new Set<string>() };
    entry.hours.add(v.hour ?? '');
    found.set(id, entry);
  }
  return [...found.values()]
    .filter((e) => !hourly(tableKeys) || e.hours.size === HOURS)
    .map(({ source, day }) => ({
      values: { ...(multi ? { [ACCOUNT_KEY]: source.account, [REGION_KEY]: source.region } : {}), [DT_KEY]: dtOf(day) },
      location: dayLocation(source, day),
    }));
}

/** A listed partition's day, or undefined when its values are no calendar day (not one this job made). */
function calendarDay(text: string): UtcDay | undefined {
  try {
    return parseDay(text);
  } catch {
    return undefined;
  }
}
