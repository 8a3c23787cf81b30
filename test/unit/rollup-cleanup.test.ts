import { describe, expect, it } from 'vitest';
import { buildsRootOf, deletableFolders } from '../../src/lib/rollup/cleanup.js';

const TABLE = 's3://results/rollup/';
const BUILD = 's3://results/rollup/builds/20261126T000000000Z/dt=2026%2F11%2F20/';
const OTHER = 's3://results/rollup/builds/20261122T000000000Z/dt=2026%2F11%2F20/';

describe('deletableFolders', () => {
  it('when a build folder is referenced by no rollup partition, it is deleted', () => {
    expect(deletableFolders([BUILD], TABLE, [{ values: { dt: '2026/11/20' }, location: OTHER }])).toEqual({ delete: [BUILD], keep: [] });
  });

  it('when a rollup partition points at the folder (with or without its trailing slash) or inside it, it is kept', () => {
    expect(deletableFolders([BUILD], TABLE, [{ values: { dt: '2026/11/20' }, location: BUILD.slice(0, -1) }])).toEqual({ delete: [], keep: [BUILD] });
    expect(deletableFolders([BUILD], TABLE, [{ values: { dt: '2026/11/20' }, location: `${BUILD}part/` }])).toEqual({ delete: [], keep: [BUILD] });
  });

  it('when a partition points at a folder that contains the candidate (a whole build), the candidate is kept', () => {
    expect(deletableFolders([BUILD], TABLE, [{ values: { dt: '2026/11/20' }, location: 's3://results/rollup/builds/20261126T000000000Z/' }])).toEqual({
      delete: [],
      keep: [BUILD],
    });
  });

  it('when a candidate lies outside the builds folder (a rollup folder from before builds, the builds root itself, another bucket, a ".." path), it is kept', () => {
    const outside = ['s3://results/rollup/dt=2026%2F11%2F20/', 's3://results/rollup/builds/', 's3://other/rollup/builds/x/dt=1/', 's3://results/rollup/builds/../athena/'];
    expect(deletableFolders(outside, TABLE, [])).toEqual({ delete: [], keep: outside });
  });

  it('when a candidate is named twice, it is decided once', () => {
    expect(deletableFolders([BUILD, BUILD], TABLE, [])).toEqual({ delete: [BUILD], keep: [] });
  });

  it('when the table location has no trailing slash, the builds root is still its builds/ folder', () => {
    expect(buildsRootOf('s3://results/rollup')).toBe('s3://results/rollup/builds/');
    expect(deletableFolders([BUILD], 's3://results/rollup', [])).toEqual({ delete: [BUILD], keep: [] });
  });
});
