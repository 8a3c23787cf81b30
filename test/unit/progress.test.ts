import { describe, expect, it } from 'vitest';
import { barLine, createProgress, progressMode } from '../../src/cli/progress.js';

describe('progress on stderr', () => {
  it('when stderr is a terminal, it draws a bar with counts and the time left, then replaces it with the step summary', () => {
    // Prepare
    let now = 0;
    const written: string[] = [];
    const progress = createProgress(
      progressMode({ quiet: false, isTTY: true }),
      (t) => written.push(t),
      () => now,
    );

    // Act
    const step = progress.step('writing sample files', 48, 'files');
    now = 3000;
    step.update(12);
    now = 3050;
    step.update(13);
    now = 12_000;
    step.update(48);
    step.finish();

    // Assess: the update 50 ms after a redraw is not drawn
    expect(written).toEqual([
      '\r\u001b[2Kwriting sample files [######------------------] 12/48 files, 9.0 s left',
      '\r\u001b[2Kwriting sample files [########################] 48/48 files, 0.0 s left',
      '\r\u001b[2Kwriting sample files: 48/48 files in 12 s\n',
    ]);
  });

  it('when stderr is not a terminal, it writes one line per finished step; when quiet, nothing', () => {
    // Prepare
    const lines: string[] = [];
    const quiet: string[] = [];
    const clock = () => 1500;

    // Act
    const step = createProgress(progressMode({ quiet: false, isTTY: false }), (t) => lines.push(t), clock).step('report queries', 10, 'queries');
    step.update(10);
    step.finish();
    const silent = createProgress(progressMode({ quiet: true, isTTY: true }), (t) => quiet.push(t), clock).step('report queries', 10, 'queries');
    silent.update(10);
    silent.finish();

    // Assess
    expect(lines).toEqual(['report queries: 10/10 queries in 0.0 s\n']);
    expect(quiet).toEqual([]);
    expect(barLine('x', 0, 4, 'days', 0)).toBe('x [------------------------] 0/4 days');
  });
});
