/**
 * Where interfaces live, locally: files saved with `aws ec2 describe-network-interfaces --output
 * json` and, for the instances' Name tags, `aws ec2 describe-instances --output json` (the
 * command line's --interfaces FILE, given once per file; the sample writes both). Read and
 * checked once, before the report runs, so a bad file stops the command with every bad entry named.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConfigError, NotFoundError } from '../errors.js';
import type { InterfaceDirectory, InterfaceLookup, InterfaceQuery } from '../ports.js';
import { instanceNames, parseEc2Document, withInstanceNames, type Ec2Instance } from '../report/interfaces.js';
import type { InterfaceFacts } from '../report/model.js';

export class SavedInterfaceDirectory implements InterfaceDirectory {
  constructor(
    readonly source: string,
    private readonly facts: readonly InterfaceFacts[],
  ) {}

  async describe(query: InterfaceQuery): Promise<InterfaceLookup> {
    const ids = new Set(query.interfaceIds);
    const addresses = new Set(query.privateAddresses);
    return { interfaces: this.facts.filter((f) => ids.has(f.interfaceId) || f.privateAddresses.some((a) => addresses.has(a))), warnings: [] };
  }
}

/**
 * Reads and checks the files (each an interfaces or an instances answer, or both merged); the
 * interfaces take their instance's Name tag. Throws NotFoundError for a missing file, ConfigError
 * naming each bad entry, an interface listed in two files, or files that hold no interfaces.
 */
export async function readInterfacesFiles(paths: readonly string[]): Promise<SavedInterfaceDirectory> {
  const facts: InterfaceFacts[] = [];
  const instances: Ec2Instance[] = [];
  const problems: string[] = [];
  const firstFile = new Map<string, string>();
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new NotFoundError(`--interfaces ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`}`, { path });
    }
    try {
      const document = parseEc2Document(text, path);
      for (const f of document.interfaces) {
        const earlier = firstFile.get(f.interfaceId);
        if (earlier !== undefined) problems.push(`${path}: ${f.interfaceId} is also in ${earlier}`);
        else firstFile.set(f.interfaceId, path);
        facts.push(f);
      }
      instances.push(...document.instances);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length === 0 && facts.length === 0 && paths.length > 0)
    problems.push(`--interfaces ${paths.join(', ')}: no network interfaces; give the file saved with aws ec2 describe-network-interfaces --output json too`);
  if (problems.length > 0) throw new ConfigError(problems);
  return new SavedInterfaceDirectory(paths.map((p) => `file ${basename(p)}`).join(' and '), withInstanceNames(facts, instanceNames(instances)));
}

/** One file (the interfaces answer, maybe with the instances merged in). */
export async function readInterfacesFile(path: string): Promise<SavedInterfaceDirectory> {
  return readInterfacesFiles([path]);
}
