import { describe, expect, it } from 'vitest';
import type { UtcDay } from '../../src/lib/dates.js';
import type { ReadWarning, SourceFile } from '../../src/lib/ports.js';
import { dayDrift, describeDrift, describeStoredSkipped, fileChanges, MAX_FILES_NAMED, skippedByDay } from '../../src/lib/rollup/drift.js';

const DAY = '2026-11-10' as UtcDay;
const file = (path: string, sizeBytes = 100, version = '1'): SourceFile => ({ path, sizeBytes, version });

describe('rollup drift', () => {
  it('when a file is added, one changes size, one changes version and one is removed, each is named once under its kind', () => {
    const before = [file('/d/a'), file('/d/b'), file('/d/c'), file('/d/gone')];
    const now = [file('/d/a'), file('/d/b', 101), file('/d/c', 100, '2'), file('/d/new')];

    expect(fileChanges(before, now)).toEqual({ added: ['/d/new'], changed: ['/d/b', '/d/c'], removed: ['/d/gone'] });
  });

  it('when the files are the same, the day stays; with no record and files it is built again; with every file gone it is kept', () => {
    const record = { day: DAY, files: [file('/d/a')], skipped: [] };

    expect(dayDrift(record, [file('/d/a')])).toEqual({ kind: 'same' });
    expect(dayDrift(undefined, [file('/d/a')])).toEqual({ kind: 'unrecorded' });
    expect(dayDrift(undefined, [])).toEqual({ kind: 'same' });
    expect(dayDrift({ ...record, files: [] }, [])).toEqual({ kind: 'same' });
    expect(dayDrift(record, [])).toEqual({ kind: 'raw-gone', recordedFiles: 1 });
    expect(dayDrift(record, [file('/d/a', 5)])).toEqual({ kind: 'changed', changes: { added: [], changed: ['/d/a'], removed: [] } });
  });

  it('when more files than the named limit changed, the warning names 5 and counts the rest exactly', () => {
    const added = Array.from({ length: 7 }, (_, i) => `/d/f${i}`);

    const text = describeDrift(DAY, { kind: 'changed', changes: { added, changed: [], removed: ['/d/x'] } });

    expect(MAX_FILES_NAMED).toBe(5);
    expect(text).toBe(
      `the rollup of ${DAY} was built again before this report: files changed since it was built: 7 added (/d/f0, /d/f1, /d/f2, /d/f3, /d/f4 and 2 more); 1 removed (/d/x)`,
    );
  });

  it('when a build of two days skipped reads, each goes to the day whose folder holds the file, and an unknown file to both', () => {
    const other = '2026-11-11' as UtcDay;
    const files = new Map([
      [DAY, [file('/d/10/a')]],
      [other, [file('/d/11/b')]],
    ]);
    const skipped: ReadWarning[] = [
      { kind: 'skipped-file', file: '/d/10/a', reason: 'the gzip data is truncated' },
      { kind: 'skipped-line', file: '/d/11/b', line: 4, reason: 'destinationport is not a number ("ssh")' },
      { kind: 'skipped-file', file: '/d/late', reason: 'unreadable' },
    ];

    const byDay = skippedByDay(skipped, files, [DAY, other]);

    expect(byDay.get(DAY)?.map((w) => w.file)).toEqual(['/d/10/a', '/d/late']);
    expect(byDay.get(other)?.map((w) => w.file)).toEqual(['/d/11/b', '/d/late']);
    expect(describeStoredSkipped(other, byDay.get(other) ?? [])).toEqual([
      `rollup of ${other}: skipped unreadable file /d/late: unreadable`,
      `rollup of ${other}: skipped 1 bad line of /d/11/b: line 4 (destinationport is not a number ("ssh"))`,
    ]);
  });
});
