import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTarget, median } from './stats.js';
import { runServerlessOffline } from '../deploy/offline-serverless.js';
import { readZip } from '../deploy/zip-reader.js';

export interface BundleFigures {
  readonly name: string;
  readonly zipBytes: number;
  readonly bundleBytes: number;
  /**
   * Median cold `node` start that loads the bundle as Lambda's Node.js runtime does (`require()`
   * for a `.cjs` file, `import()` for `.mjs`), with the function's environment, minus the median
   * empty start.
   */
  readonly loadMs: number | undefined;
  readonly loadSamplesMs: readonly number[];
  /** The same without the function's NODE_OPTIONS (--enable-source-maps parses each map at load). */
  readonly loadWithoutNodeOptionsMs: number | undefined;
  /**
   * The same with `await import()` whatever the file's kind, as this benchmark measured up to
   * 2026-11-29: for a `.cjs` file Node then also runs its CommonJS export scanner over the whole
   * bundle, which Lambda's runtime never does (it `require()`s `.cjs` handlers).
   */
  readonly loadViaImportMs?: number | undefined;
  readonly error?: string;
}

export interface BundlesResult {
  readonly packageSeconds: number;
  readonly emptyStartMs: number;
  readonly bundles: readonly BundleFigures[];
}

const LOAD_RUNS = 7;
/** Issue 17's target for the part of a cold start the bundle controls. */
export const MAX_LOAD_MS = 150;
/** Issue 17's target for each zip. */
export const MAX_ZIP_MB = 1;
const PARAMS = { alertEmails: 'ops@example.com', slackWebhookParameter: '/flowlog-pilot/bench/slack-webhook', reportTimezone: 'Asia/Tokyo' };
/** Stand-ins for the values CloudFormation fills in at deploy time (the template holds references there). */
const DEPLOY_VALUES: Readonly<Record<string, string>> = {
  FLOWLOG_BUCKET: 'flowlog-bench-bucket',
  FLOWLOG_WORKGROUP: 'flowlog-pilot-bench',
  FLOWLOG_OUTPUT_LOCATION: 's3://flowlog-bench-results/athena/',
  FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-bench-report',
  FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
  FLOWLOG_ACCOUNT: '123456789012',
};

/**
 * Packages the functions as `serverless package` does for a deploy (offline, fake credentials,
 * any network call refused), then measures each zip and how long its bundle takes to load in a
 * fresh `node`: the part of a Lambda cold start the code controls.
 */
export async function measureBundles(root: string, log: (line: string) => void): Promise<BundlesResult> {
  const outDir = mkdtempSync(join(tmpdir(), 'flowlog-bench-package-'));
  try {
    const started = Date.now();
    await packageFunctions(root, outDir);
    const packageSeconds = (Date.now() - started) / 1000;
    log(`serverless package: ${packageSeconds.toFixed(1)} s`);
    const template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are free-form JSON read by path
      Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const measured: { figures: Omit<BundleFigures, 'loadMs' | 'loadSamplesMs' | 'loadWithoutNodeOptionsMs' | 'loadViaImportMs'>; file?: string; env?: NodeJS.ProcessEnv }[] = [];
    for (const zipName of readdirSync(outDir)
      .filter((f) => f.endsWith('.zip'))
      .sort()) {
      const name = zipName.replace(/\.zip$/, '');
      const zipPath = join(outDir, zipName);
      const entries = readZip(readFileSync(zipPath));
      const unpacked = join(outDir, 'unpacked', name);
      for (const [entry, data] of entries) {
        mkdirSync(dirname(join(unpacked, entry)), { recursive: true });
        writeFileSync(join(unpacked, entry), data);
      }
      const fn = functions.find((f) => JSON.stringify(f.Properties.Code ?? {}).includes(zipName));
      const handler = String(fn?.Properties.Handler ?? '');
      const entry = ['.mjs', '.js', '.cjs'].map((ext) => handler.replace(/\.[^.]+$/, ext)).find((file) => entries.has(file));
      const bundleBytes = [...entries].filter(([file]) => !file.endsWith('.map')).reduce((sum, [, data]) => sum + data.length, 0);
      const figures = { name, zipBytes: statSync(zipPath).size, bundleBytes };
      if (entry === undefined) {
        measured.push({ figures: { ...figures, error: `no bundle for handler ${handler}` } });
        continue;
      }
      const env = lambdaEnvironment(fn?.Properties.Environment?.Variables ?? {});
      const file = join(unpacked, entry);
      const check = spawnSync(process.execPath, ['-e', lambdaLoadCode(file)], { env, encoding: 'utf8' });
      if (check.status !== 0) {
        measured.push({ figures: { ...figures, error: (check.stderr.split('\n').find((l) => /Error/.test(l)) ?? check.stderr).slice(0, 300) } });
        continue;
      }
      measured.push({ figures, file, env });
    }
    // Rounds interleave the empty start with every bundle, so a busy moment on the machine
    // lands on all of them alike instead of on one bundle's samples.
    const emptySamples: number[] = [];
    const samples = measured.map((): number[] => []);
    const plainSamples = measured.map((): number[] => []);
    const importSamples = measured.map((): number[] => []);
    for (let round = 0; round < LOAD_RUNS; round++) {
      emptySamples.push(timeNode('', {}));
      measured.forEach((m, i) => {
        if (m.file === undefined) return;
        samples[i]?.push(timeNode(lambdaLoadCode(m.file), m.env ?? {}));
        plainSamples[i]?.push(timeNode(lambdaLoadCode(m.file), { ...m.env, NODE_OPTIONS: '' }));
        importSamples[i]?.push(timeNode(importCode(m.file), m.env ?? {}));
      });
    }
    const emptyStartMs = median(emptySamples);
    const overEmpty = (runs: readonly number[]): number | undefined => (runs.length === 0 ? undefined : Math.max(0, median(runs) - emptyStartMs));
    const bundles: BundleFigures[] = measured.map((m, i) => ({
      ...m.figures,
      loadMs: overEmpty(samples[i] ?? []),
      loadSamplesMs: (samples[i] ?? []).map(Math.round),
      loadWithoutNodeOptionsMs: overEmpty(plainSamples[i] ?? []),
      loadViaImportMs: overEmpty(importSamples[i] ?? []),
    }));
    for (const line of bundleVerdicts(bundles)) log(line);
    return { packageSeconds, emptyStartMs, bundles };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function packageFunctions(root: string, outDir: string): Promise<void> {
  const args = ['package', '--stage', 'bench', '--region', 'ap-northeast-1', '--package', outDir];
  for (const [key, value] of Object.entries(PARAMS)) args.push(`--param=${key}=${value}`);
  if (!existsSync(join(root, 'serverless.yml'))) throw new Error(`no serverless.yml in ${root}`);
  try {
    await runServerlessOffline(root, args);
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${`${output.stdout ?? ''}${output.stderr ?? ''}`.slice(-4000)}`, { cause: error });
  }
}

/** The function's environment as Lambda would give it: references replaced by stand-in values. */
function lambdaEnvironment(variables: Record<string, unknown>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'ap-northeast-1', AWS_LAMBDA_FUNCTION_NAME: 'flowlog-pilot-bench', NODE_OPTIONS: '' };
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value === 'string' && !(key in DEPLOY_VALUES && value === '')) env[key] = value;
    else if (DEPLOY_VALUES[key] !== undefined) env[key] = DEPLOY_VALUES[key];
  }
  return env;
}

/**
 * Each bundle's figures against issue 17's targets, one line each with PASS or MISS (n/a when a
 * figure could not be measured), so the bundle section says its own verdict.
 */
export function bundleVerdicts(bundles: readonly BundleFigures[]): string[] {
  const ms = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(0)} ms`);
  return bundles.flatMap((b) => [
    formatTarget({ label: `${b.name} module load`, value: b.loadMs, bound: 'at-most', limit: MAX_LOAD_MS, unit: 'ms' }) + `  [via import(): ${ms(b.loadViaImportMs)}]`,
    formatTarget({ label: `${b.name} zip size`, value: b.zipBytes / 1e6, bound: 'at-most', limit: MAX_ZIP_MB, unit: 'MB' }),
  ]);
}

/**
 * Code that loads a handler file the way Lambda's Node.js runtime does
 * (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js): `.mjs` with `import()`,
 * `.cjs` with `require()` (a `.js` file is `require()`d too unless a package.json above it says
 * "type": "module", which no zip of this project carries). Run as a CommonJS `node -e` script, so
 * the empty start it is compared with is `node -e ''`.
 */
export function lambdaLoadCode(file: string): string {
  return file.endsWith('.mjs') ? importCode(file) : `require(${JSON.stringify(file)})`;
}

function importCode(file: string): string {
  return `import(${JSON.stringify(pathToFileURL(file).href)}).catch((error) => { console.error(error); process.exit(1); })`;
}

function timeNode(code: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['-e', code], { env, stdio: 'ignore' });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} exited with ${run.status}`);
  return elapsedMs;
}
