import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TransformOptions } from 'node:stream';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { StateError, ValidationError, asError } from '../lib/errors.js';
import { SampleGenerator, type SampleManifest } from './generate.js';
import { resolveSampleOptions, type SampleOptions } from './options.js';
import { convertToParquet, parquetName } from './parquet-files.js';
import { INSTANCES_FILE, INTERFACES_FILE, sampleInstances, sampleInterfaces } from './interfaces.js';

/** Written next to `AWSLogs/`, so a demo or a test can check a report against what was injected. */
export const MANIFEST_FILE = 'sample-manifest.json';
/** Lets zlib compress on its thread while the next records are generated. */
const GZIP_BUFFER_BYTES = 4 * 1024 * 1024;
const MAX_FILES_IN_FLIGHT = 2;

/**
 * Writes a sample bucket copy under `options.out` and returns its manifest. Options are checked
 * first (nothing is written when one is bad); files are streamed through gzip one at a time.
 * A sample written there before is replaced (only its own files are removed), so counts stay
 * exact; real logs already there are never mixed with sample ones.
 */
const HOURS_PER_DAY = 24;

/** `onFileWritten` hears of each file written, with the number expected in all (for progress). */
export async function writeSample(options: SampleOptions, now: Date = new Date(), onFileWritten?: (written: number, total: number) => void): Promise<SampleManifest> {
  const resolved = resolveSampleOptions(options, now);
  const earlier = await earlierSample(resolved.out);
  if (earlier !== undefined) await removeSample(resolved.out, earlier);
  const generator = new SampleGenerator(resolved);
  const made = new Set<string>();
  // A file's last bytes compress while the next file is generated; at most this many are open.
  const inFlight: Promise<void>[] = [];
  try {
    // One file per hour, day and source; files are made lazily (a day's last records carry into the next).
    const expectedFiles = resolved.days.length * resolved.sources.length * HOURS_PER_DAY;
    let written = 0;
    for (const file of generator.files()) {
      const path = join(resolved.out, file.path);
      let gzip: Gzip | undefined;
      let done: Promise<void> | undefined;
      for (const chunk of file.chunks()) {
        if (gzip === undefined) {
          const folder = dirname(path);
          if (!made.has(folder)) {
            await mkdir(folder, { recursive: true });
            made.add(folder);
          }
          // zlib streams pass stream options on to their Transform base; the typings omit them.
          const gzipOptions: ZlibOptions & TransformOptions = { level: resolved.gzipLevel, writableHighWaterMark: GZIP_BUFFER_BYTES };
          gzip = createGzip(gzipOptions);
          done = pipeline(gzip, createWriteStream(path)).catch((error: unknown) => {
            throw new StateError(`cannot write ${path}: ${asError(error).message}`, { path }, { cause: error });
          });
        }
        if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), done]);
      }
      if (gzip !== undefined && done !== undefined) {
        gzip.end();
        inFlight.push(done);
        if (inFlight.length >= MAX_FILES_IN_FLIGHT) await inFlight.shift();
      }
      written += 1;
      onFileWritten?.(written, Math.max(written, expectedFiles));
    }
    await Promise.all(inFlight);
  } catch (error) {
    await Promise.allSettled(inFlight);
    if (error instanceof StateError) throw error;
    throw new StateError(`cannot write the sample under ${resolved.out}: ${asError(error).message}`, { path: resolved.out }, { cause: error });
  }
  const written = generator.manifest();
  const manifest = resolved.fileFormat === 'parquet' ? await asParquet(resolved.out, written) : written;
  try {
    await mkdir(resolved.out, { recursive: true });
    await writeFile(join(resolved.out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    // Where the sample's interfaces live, as aws ec2 describe-network-interfaces prints it (report --interfaces).
    await writeFile(join(resolved.out, INTERFACES_FILE), `${JSON.stringify(sampleInterfaces(resolved), null, 2)}\n`);
    // Their instances with the Name tags, as aws ec2 describe-instances prints them (a second --interfaces).
    await writeFile(join(resolved.out, INSTANCES_FILE), `${JSON.stringify(sampleInstances(resolved), null, 2)}\n`);
  } catch (error) {
    throw new StateError(`cannot write the sample manifest in ${resolved.out}: ${asError(error).message}`, { path: resolved.out }, { cause: error });
  }
  return manifest;
}

/** The manifest of a sample written to `out` before, if any; refuses a folder with other logs. */
async function earlierSample(out: string): Promise<Pick<SampleManifest, 'folders'> | undefined> {
  const manifestPath = join(out, MANIFEST_FILE);
  const text = await readFile(manifestPath, 'utf8').catch(() => undefined);
  if (text === undefined) {
    if (await exists(join(out, 'AWSLogs'))) {
      throw new ValidationError('out', `${out} already holds AWSLogs/ but no ${MANIFEST_FILE}: choose an empty folder so sample and real logs do not mix`);
    }
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<SampleManifest>;
    if (!Array.isArray(parsed.folders)) throw new Error('no folders list');
    return { folders: parsed.folders };
  } catch (error) {
    throw new ValidationError('out', `${manifestPath} is not a sample manifest (${asError(error).message}): remove it or choose an empty folder`);
  }
}

/** Removes exactly the files an earlier manifest lists, then its folders if they are left empty. */
async function removeSample(out: string, earlier: Pick<SampleManifest, 'folders'>): Promise<void> {
  for (const folder of earlier.folders) {
    if (typeof folder.path !== 'string' || folder.path.split('/').includes('..') || !folder.path.startsWith('AWSLogs/')) continue;
    for (const name of folder.files) {
      if (typeof name === 'string' && /^[\w.-]+\.log\.(gz|parquet)$/.test(name)) await rm(join(out, folder.path, name), { force: true });
    }
    let dir = folder.path.replace(/\/$/, '');
    while (dir.includes('/')) {
      const removed = await rmdir(join(out, dir)).then(
        () => true,
        () => false,
      );
      if (!removed) break;
      dir = dir.slice(0, dir.lastIndexOf('/'));
    }
  }
  await rm(join(out, MANIFEST_FILE), { force: true });
  await rm(join(out, INTERFACES_FILE), { force: true });
  await rm(join(out, INSTANCES_FILE), { force: true });
}

/** The written text files rewritten as Parquet, and the manifest naming the Parquet files. */
async function asParquet(out: string, manifest: SampleManifest): Promise<SampleManifest> {
  const paths = manifest.folders.flatMap((folder) => folder.files.map((name) => join(out, folder.path, name)));
  try {
    await convertToParquet(paths, manifest.header);
  } catch (error) {
    throw new StateError(`cannot write the sample's Parquet files under ${out}: ${asError(error).message}`, { path: out }, { cause: error });
  }
  return { ...manifest, folders: manifest.folders.map((folder) => ({ ...folder, files: folder.files.map(parquetName) })) };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
