// Variable resolver for serverless.yml: `${file(./deploy/resources.cjs):stack.<part>}`.
// osls loads it with require(), so it is CommonJS. It bundles deploy/stack-resources.ts (and the
// src/lib modules it imports) with esbuild into .serverless-deploy/ and calls it, so the Glue
// table and the rest are built from the same TypeScript the Lambdas run. Nothing here touches AWS.
const { mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const root = path.join(__dirname, '..');
const PARAMS = [
  'bucket',
  'prefix',
  'folders',
  'perHour',
  'sources',
  'database',
  'table',
  'tableMode',
  'format',
  'columnNames',
  'fileFormat',
  'partitioning',
  'projectionStart',
  'vpcIds',
  'alertEmails',
  'slackWebhookParameter',
  'bytesScannedCutoffMb',
  'resultsRetentionDays',
  'tags',
  'suppressionsParameter',
  'suppressionsFile',
  'watchlistParameter',
  'watchlistFile',
  'listsKmsKeyArn',
  'slackWebhookKmsKeyArn',
  'interfacesRoleName',
];

async function loadModel() {
  const { build } = require('esbuild');
  const { sqlEsbuildPlugin } = await import(pathToFileURL(path.join(root, 'scripts', 'sql-module.mjs')).href);
  const outdir = path.join(root, '.serverless-deploy');
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, `stack-resources-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [path.join(__dirname, 'stack-resources.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [sqlEsbuildPlugin()],
    logLevel: 'warning',
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

function queryFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return queryFiles(file, base);
    if (!entry.name.endsWith('.sql')) return [];
    return [
      {
        name: path
          .relative(base, file)
          .split(path.sep)
          .join('/')
          .replace(/\.sql$/, ''),
        text: readFileSync(file, 'utf8'),
      },
    ];
  });
}

async function buildStack(resolveVariable) {
  const m = await loadModel();
  const raw = {};
  for (const key of PARAMS) {
    const value = await resolveVariable(`param:${key}`);
    raw[key] = value === null || value === undefined ? '' : String(value).trim();
  }
  const { tags: tagsParam, ...stackParams } = raw;
  const stage = String(await resolveVariable('sls:stage')).trim();
  const region = String(await resolveVariable('self:provider.region')).trim();
  const settings = m.readStackParams({ ...stackParams, stage, region });
  // A bundled list with a bad entry fails the package here, every entry named.
  m.checkBundledLists(settings, (file) => {
    try {
      return readFileSync(path.join(root, file), 'utf8');
    } catch {
      return undefined;
    }
  });
  const tags = m.stackTags(tagsParam, { service: String(await resolveVariable('self:service')), stage });
  const files = queryFiles(path.join(root, 'src', 'queries'));
  const logRead = m.logReadResources(settings);
  return {
    logBucket: m.logBucketName(settings),
    database: settings.database,
    rollupTable: settings.rollupTable,
    stage: settings.stage,
    sources: m.sourcesSetting(settings),
    columnNames: settings.columnNames,
    partitioning: settings.partitioning,
    // Reads of the raw table, plus adding partitions when the jobs manage them (not with projection).
    rawGlueActions: [
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetPartition',
      'glue:GetPartitions',
      'glue:BatchGetPartition',
      ...(settings.partitioning === 'projection' ? [] : ['glue:CreatePartition', 'glue:BatchCreatePartition']),
    ],
    logObjects: logRead.objects,
    logBucketArn: logRead.bucket,
    logListPrefixes: m.logListPrefixes(settings),
    slackParameterArn: m.slackParameterArn(settings),
    // The report's lists: files bundled into its zip, SSM parameters its role may read (none: the statement is dropped).
    reportFiles: m.reportPackageFiles(settings),
    reportParameterArns: m.reportParameterArns(settings),
    // Customer managed keys of SecureString parameters (none: the kms:Decrypt statements are dropped).
    listsKmsKeyArns: m.listsKmsKeyArns(settings),
    slackKmsKeyArns: m.slackKmsKeyArns(settings),
    // The role the interfaces function assumes in each source account (none: the statement is dropped).
    interfacesRoleArns: m.interfacesRoleArns(settings),
    bytesScannedCutoff: settings.bytesScannedCutoffBytes,
    resultsRetentionDays: settings.resultsRetentionDays,
    tags,
    resources: {
      ...m.logBucketResources(settings),
      ...m.glueResources(settings),
      ...m.rollupTableResources(settings),
      ...m.namedQueryResources(settings, files),
      ...m.emailSubscriptions(settings, { Report: 'ReportTopic', Operations: 'OperationsTopic' }),
      ...m.flowLogResources(settings),
      ...m.dashboardResources(settings),
    },
  };
}

let built;
module.exports = {
  /**
   * Built once per serverless run, however many variables read it. A failed attempt is not kept:
   * osls asks again once the params it depends on are resolved.
   */
  stack: async ({ resolveVariable }) => {
    built ??= await buildStack(resolveVariable);
    return built;
  },
};
