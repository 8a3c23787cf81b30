// serverless-esbuild loads this file with require(), so it is CommonJS; the SQL plugin is an ES
// module and is imported when esbuild starts the build.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const sqlModuleUrl = pathToFileURL(path.join(__dirname, '..', 'scripts', 'sql-module.mjs')).href;

/** Embeds src/queries/**.sql as `virtual:flowlog-queries`, exactly as scripts/build.mjs does. */
const sqlPlugin = {
  name: 'flowlog-queries',
  async setup(build) {
    const { sqlEsbuildPlugin } = await import(sqlModuleUrl);
    return sqlEsbuildPlugin().setup(build);
  },
};

/**
 * The local engine (DuckDB) is for the command line only. esbuild inlines a dynamic import when it
 * does not split chunks, so DuckDB's static import would be hoisted to the top of the bundle and
 * every cold start would fail to find it; the Lambda bundles get a stand-in that says why instead.
 */
const withoutLocalEngine = {
  name: 'flowlog-without-local-engine',
  setup(build) {
    build.onResolve({ filter: /[\\/]local[\\/]open-local\.js$/ }, (args) => ({ path: args.path, namespace: 'flowlog-without-local-engine' }));
    build.onLoad({ filter: /.*/, namespace: 'flowlog-without-local-engine' }, () => ({
      contents:
        "export async function openLocal() { throw new Error('FLOWLOG_ENGINE=local needs DuckDB, which the Lambda bundles leave out: use FLOWLOG_ENGINE=athena, or run the local engine with the flowlog-pilot command'); }",
      loader: 'js',
    }));
  },
};

module.exports = () => ({
  bundle: true,
  minify: true,
  // Stack traces point at the TypeScript lines (NODE_OPTIONS=--enable-source-maps); the sources
  // themselves stay out of the maps to keep each zip small.
  sourcemap: true,
  sourcesContent: false,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outputFileExtension: '.mjs',
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() on Node built-ins; give the ES module bundle one.
  banner: { js: "import { createRequire as __flowlogCreateRequire } from 'node:module'; const require = __flowlogCreateRequire(import.meta.url);" },
  // DuckDB is the local engine only (see withoutLocalEngine): it is left out of the bundles and,
  // being in `exclude` rather than `external`, never installed into a zip.
  exclude: ['@duckdb/node-api', '@duckdb/*'],
  plugins: [sqlPlugin, withoutLocalEngine],
  // serverless-esbuild zips in-process; no `npm install` runs because nothing is `external`.
  packager: 'npm',
});
