/**
 * Where interfaces live, locally: a file saved with `aws ec2 describe-network-interfaces --output
 * json` (the command line's --interfaces FILE; the sample writes one for its world). Read and
 * checked once, before the report runs, so a bad file stops the command with every bad entry named.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { NotFoundError } from '../errors.js';
import type { InterfaceDirectory, InterfaceQuery } from '../ports.js';
import { parseInterfacesDocument } from '../report/interfaces.js';
import type { InterfaceFacts } from '../report/model.js';

export class SavedInterfaceDirectory implements InterfaceDirectory {
  constructor(readonly source: string, private readonly facts: readonly InterfaceFacts[]) {}

  async describe(query: InterfaceQuery): Promise<readonly InterfaceFacts[]> {
    const ids = new Set(query.interfaceIds);
    const addresses = new Set(query.privateAddresses);
    return this.facts.filter((f) => ids.has(f.interfaceId) || f.privateAddresses.some((a) => addresses.has(a)));
  }
}

/** Reads and checks the file; throws NotFoundError for a missing file, ConfigError naming each bad entry. */
export async function readInterfacesFile(path: string): Promise<SavedInterfaceDirectory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new NotFoundError(`--interfaces ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`}`, { path });
  }
  return new SavedInterfaceDirectory(`file ${basename(path)}`, parseInterfacesDocument(text, path));
}
