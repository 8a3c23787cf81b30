import type { Partition } from '../partitions/plan.js';

/**
 * Which orphaned rollup folders may be deleted: only folders of builds (under the rollup table's
 * `builds/` folder, see buildLocation in statements.ts) that no rollup partition points at, in or
 * under. Everything else a run found unreferenced (a folder a rebuild replaced that lies outside
 * `builds/`, such as one written before builds had folders of their own) is kept and listed.
 */
export function deletableFolders(candidates: readonly string[], tableLocation: string, partitions: readonly Partition[]): { delete: string[]; keep: string[] } {
  const root = buildsRootOf(tableLocation);
  const referenced = partitions.map((p) => withSlash(p.location)).filter((location) => location !== '/');
  const decision = { delete: [] as string[], keep: [] as string[] };
  for (const candidate of [...new Set(candidates)]) {
    const folder = withSlash(candidate);
    const ownBuild = folder.startsWith(root) && folder.length > root.length && !folder.slice(root.length).split('/').includes('..');
    const inUse = referenced.some((location) => location.startsWith(folder) || folder.startsWith(location));
    (ownBuild && !inUse ? decision.delete : decision.keep).push(candidate);
  }
  return decision;
}

/** The folder every build writes under: `<rollup table location>/builds/`. */
export function buildsRootOf(tableLocation: string): string {
  return `${withSlash(tableLocation)}builds/`;
}

const withSlash = (location: string) => (location.endsWith('/') ? location : `${location}/`);
