import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './stats.js';
import { runServerlessOffline } from '../deploy/offline-serverless.js';
import { readZip } from '../deploy/zip-reader.js';

export interface BundleFigures {
  readonly name: string;
  readonly zipBytes: number;
  readonly bundleBytes: number;
  /** Median cold `node` start that imports the bundle, minus the median empty start. */
  readonly loadMs: number | undefined;
  readonly loadSamplesMs: readonly number[];
  /** The same without the function's NODE_OPTIONS (--enable-source-maps parses each map at load). */
  readonly loadWithoutNodeOptionsMs: number | undefined;
  readonly error?: string;
}

export interface BundlesResult {
  readonly packageSeconds: number;
  readonly emptyStartMs: number;
  readonly bundles: readonly BundleFigures[];
}

const LOAD_RUNS = 7;
const PARAMS = { alertEmails: 'ops@example.com', slackWebhookParameter: '/flowlog-pilot/bench/slack-webhook', reportTimezone: 'Asia/Tokyo' };
/** Stand-ins for the values CloudFormation fills in at deploy time (the template holds references there). */
const DEPLOY_VALUES: Readonly<Record<string, string>> = {
  FLOWLOG_BUCKET: 'flowlog-bench-bucket',
  FLOWLOG_WORKGROUP: 'flowlog-pilot-bench',
  FLOWLOG_OUTPUT_LOCATION: 's3://flowlog-bench-results/athena/',
  FLOWLOG_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:flowlog-pilot-bench-report',
  FLOWLOG_SOURCES: '123456789012:ap-northeast-1',
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
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are free-form JSON read by path
    const template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    const measured: { figures: Omit<BundleFigures, 'loadMs' | 'loadSamplesMs' | 'loadWithoutNodeOptionsMs'>; url?: string; env?: NodeJS.ProcessEnv }[] = [];
    for (const zipName of readdirSync(outDir).filter((f) => f.endsWith('.zip')).sort()) {
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
      const url = pathToFileURL(join(unpacked, entry)).href;
      const check = spawnSync(process.execPath, ['--input-type=module', '-e', importCode(url)], { env, encoding: 'utf8' });
      if (check.status !== 0) {
        measured.push({ figures: { ...figures, error: (check.stderr.split('\n').find((l) => /Error/.test(l)) ?? check.stderr).slice(0, 300) } });
        continue;
      }
      measured.push({ figures, url, env });
    }
    // Rounds interleave the empty start with every bundle, so a busy moment on the machine
    // lands on all of them alike instead of on one bundle's samples.
    const emptySamples: number[] = [];
    const samples = measured.map((): number[] => []);
    const plainSamples = measured.map((): number[] => []);
    for (let round = 0; round < LOAD_RUNS; round++) {
      emptySamples.push(timeNode('', {}));
      measured.forEach((m, i) => {
        if (m.url === undefined) return;
        samples[i]?.push(timeNode(importCode(m.url), m.env ?? {}));
        plainSamples[i]?.push(timeNode(importCode(m.url), { ...m.env, NODE_OPTIONS: '' }));
      });
    }
    const emptyStartMs = median(emptySamples);
    const bundles: BundleFigures[] = measured.map((m, i) => {
      const own = samples[i] ?? [];
      const plain = plainSamples[i] ?? [];
      return {
        ...m.figures,
        loadMs: own.length === 0 ? undefined : Math.max(0, median(own) - emptyStartMs),
        loadSamplesMs: own.map(Math.round),
        loadWithoutNodeOptionsMs: plain.length === 0 ? undefined : Math.max(0, median(plain) - emptyStartMs),
      };
    });
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

function importCode(url: string): string {
  return `await import(${JSON.stringify(url)})`;
}

function timeNode(code: string, env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env, stdio: 'ignore' });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} exited with ${run.status}`);
  return elapsedMs;
}
