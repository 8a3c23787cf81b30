import type { FolderDeletion, ObjectStore } from '../ports.js';

/**
 * The local engine's ObjectStore. Its rollup builds are rows of the builds table in the state
 * file, not folders: the rows of a failed build are deleted with its builds-table partitions, and
 * a switch copies a build's rows into the rollup. So a "build folder" here names no file, and
 * there is nothing to delete; the answer says so instead of claiming a deletion.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local' as const;

  async deleteFolder(folder: string): Promise<FolderDeletion> {
    return { folder, deletedObjects: 0, note: 'the local engine keeps rollup builds as rows of the state file, dropped with their builds-table partitions; no files to delete' };
  }
}
