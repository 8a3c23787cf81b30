import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors.js';
import { loadReportConfig } from '../../src/lib/report/report-config.js';

function problemsOf(settings: Record<string, string>): string[] {
  try {
    loadReportConfig(settings);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('where the report lists are kept (FLOWLOG_SUPPRESSIONS_*, FLOWLOG_WATCHLIST_*)', () => {
  it('when a parameter and a bundled file are named, each list knows its place', () => {
    const config = loadReportConfig({ FLOWLOG_SUPPRESSIONS_PARAMETER: '/flowlog-pilot/prod/suppressions', FLOWLOG_WATCHLIST_FILE: 'config/watchlist.txt' });

    expect(config.lists).toEqual({ suppressions: { kind: 'parameter', name: '/flowlog-pilot/prod/suppressions' }, watchlist: { kind: 'file', path: 'config/watchlist.txt' } });
    expect(loadReportConfig({}).lists).toEqual({});
  });

  it('when one list is named twice, a parameter name is malformed or a file leaves the folder, each is named', () => {
    expect(problemsOf({ FLOWLOG_SUPPRESSIONS_PARAMETER: '/a', FLOWLOG_SUPPRESSIONS_FILE: 'a.yml', FLOWLOG_WATCHLIST_FILE: '../etc/watchlist' })).toEqual([
      'FLOWLOG_SUPPRESSIONS_PARAMETER and FLOWLOG_SUPPRESSIONS_FILE are both set: keep the list in one place',
      'FLOWLOG_WATCHLIST_FILE must be a path inside the service folder (relative, no ..), got "../etc/watchlist"',
    ]);
    expect(problemsOf({ FLOWLOG_WATCHLIST_PARAMETER: 'bad name!' })).toEqual(['FLOWLOG_WATCHLIST_PARAMETER must be an SSM parameter name, got "bad name!"']);
    expect(problemsOf({ FLOWLOG_WATCHLIST_FILE: '/var/task/w.txt' })).toEqual([
      'FLOWLOG_WATCHLIST_FILE must be a path inside the service folder (relative, no ..), got "/var/task/w.txt"',
    ]);
  });

  it('when FLOWLOG_LISTS_DIR is set (invoke local), bundled files are read from it; a relative folder is refused', () => {
    expect(loadReportConfig({ FLOWLOG_WATCHLIST_FILE: 'w.txt', FLOWLOG_LISTS_DIR: '/srv/flowlog-pilot' }).lists.watchlist).toEqual({
      kind: 'file',
      path: 'w.txt',
      dir: '/srv/flowlog-pilot',
    });
    expect(problemsOf({ FLOWLOG_LISTS_DIR: 'here' })).toEqual(['FLOWLOG_LISTS_DIR must be an absolute folder, got "here"']);
  });
});
