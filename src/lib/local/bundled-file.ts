import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { NotFoundError, ValidationError, asError } from '../errors.js';

/**
 * Reads a file packaged with the function (a list the stack bundles into the report zip), by its
 * path relative to the function's folder: the first of `roots` that holds it (LAMBDA_TASK_ROOT
 * on Lambda; the service folder under `serverless invoke local`). Nothing outside them is read.
 */
export async function readBundledFile(roots: readonly string[], path: string): Promise<string> {
  for (const root of roots) {
    const full = resolve(root, path);
    if (!full.startsWith(resolve(root) + sep)) throw new ValidationError('file', `${JSON.stringify(path)} is outside the function's folder`);
    try {
      return await readFile(full, 'utf8');
    } catch (error) {
      const e = asError(error) as NodeJS.ErrnoException;
      if (e.code !== 'ENOENT') throw new NotFoundError(`${path} cannot be read: ${e.message}`, { path });
    }
  }
  throw new NotFoundError(`${path} is not in the function's package (was it bundled? see the report function's package.patterns)`, { path });
}
