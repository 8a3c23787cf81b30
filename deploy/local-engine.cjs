// Local serverless plugin for FLOWLOG_ENGINE=local (`serverless invoke local` on DuckDB).
// - Nothing may reach AWS then: the SDK's instance-metadata credential lookup, which osls runs
//   before a local invoke, is switched off, so a machine without AWS credentials answers at once
//   instead of waiting on the metadata endpoint.
// - A stack must never be deployed or packaged for upload with the local engine, whose Lambda
//   bundles leave DuckDB out: deploy refuses, naming the variable to unset.
// - The local data and state folders are resolved against the service folder (serverless.yml
//   reads them through `dataDir`/`stateDir` below): `invoke local` runs the handler inside
//   .esbuild/.build, where a relative path would put the state beside the bundles.
// - No Lambda zip may carry local state or flow-log data: after packaging, every zip's file list
//   is read and packaging fails naming the file.
const { readFileSync } = require('node:fs');
const { isAbsolute, join, relative, resolve } = require('node:path');

const SERVICE_DIR = resolve(__dirname, '..');
// State databases, the state folder, flow-log files and bucket copies.
const FORBIDDEN_ENTRY = /(^|\/)\.flowlog-pilot\/|\.duckdb(\.wal)?$|\.log(\.gz)?$|(^|\/)AWSLogs\//;
const BUILD_FOLDERS = ['.esbuild', '.serverless'];

/** A FLOWLOG_* folder as an absolute path, relative ones taken from the service folder. */
function serviceFolder(value, fallback) {
  const given = value === undefined || value === '' ? fallback : value;
  return isAbsolute(given) ? given : resolve(SERVICE_DIR, given);
}

/** The file names of a zip, from its central directory. */
function zipEntries(buffer) {
  let end = buffer.length - 22;
  while (end >= 0 && buffer.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error('not a zip file');
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i += 1) {
    const nameLength = buffer.readUInt16LE(at + 28);
    names.push(buffer.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
  }
  return names;
}

class LocalEngine {
  constructor(serverless) {
    this.serverless = serverless;
    this.local = process.env.FLOWLOG_ENGINE === 'local';
    if (this.local) process.env.AWS_EC2_METADATA_DISABLED = 'true';
    this.hooks = {
      'before:deploy:deploy': () => this.refuseDeploy(),
      'before:invoke:local:invoke': () => this.checkFolders(),
      'after:package:createDeploymentArtifacts': () => this.checkZips(),
    };
  }

  refuseDeploy() {
    if (!this.local) return;
    throw new this.serverless.classes.Error('FLOWLOG_ENGINE=local is for `serverless invoke local` only; unset it to deploy (deployed functions use Athena)');
  }

  checkFolders() {
    if (!this.local) return;
    for (const [name, folder] of [
      ['FLOWLOG_DATA_DIR', LocalEngine.dataDir()],
      ['FLOWLOG_STATE_DIR', LocalEngine.stateDir()],
    ]) {
      const inside = relative(SERVICE_DIR, folder).split(/[\\/]/)[0];
      if (BUILD_FOLDERS.includes(inside)) {
        throw new this.serverless.classes.Error(`${name} (${folder}) is inside ${inside}/, which is packaged into the Lambda zips; choose a folder outside it`);
      }
    }
  }

  checkZips() {
    for (const fn of this.serverless.service.getAllFunctions()) {
      const artifact = this.serverless.service.getFunction(fn).package?.artifact;
      if (artifact === undefined) continue;
      const path = isAbsolute(artifact) ? artifact : join(SERVICE_DIR, artifact);
      const bad = zipEntries(readFileSync(path)).filter((entry) => FORBIDDEN_ENTRY.test(entry));
      if (bad.length > 0) {
        throw new this.serverless.classes.Error(
          `the ${fn} zip would carry local state or flow-log data (${bad.slice(0, 3).join(', ')}); remove them from .esbuild/ and package again`,
        );
      }
    }
  }
}

/** serverless.yml: `${file(./deploy/local-engine.cjs):dataDir}`. */
LocalEngine.dataDir = () => serviceFolder(process.env.FLOWLOG_DATA_DIR, './data');
/** serverless.yml: `${file(./deploy/local-engine.cjs):stateDir}`. */
LocalEngine.stateDir = () => serviceFolder(process.env.FLOWLOG_STATE_DIR, './.flowlog-pilot');
/** serverless.yml: `${file(./deploy/local-engine.cjs):serviceDir}`: where `invoke local` finds the bundled lists (FLOWLOG_LISTS_DIR). */
LocalEngine.serviceDir = () => SERVICE_DIR;
LocalEngine.zipEntries = zipEntries;
LocalEngine.FORBIDDEN_ENTRY = FORBIDDEN_ENTRY;

module.exports = LocalEngine;
