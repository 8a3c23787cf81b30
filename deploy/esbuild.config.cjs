// serverless-esbuild loads this file with require(), so it is CommonJS; the SQL plugin is an ES
// module and is imported when esbuild starts the build.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

/** Imported by @aws-sdk/credential-provider-node only past the environment's credentials (dynamic `import()`). */
const LAZY_CREDENTIAL_PACKAGES = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
];

const sqlModuleUrl = pathToFileURL(path.join(__dirname, '..', 'scripts', 'sql-module.mjs')).href;

/** Embeds src/queries/**.sql as `virtual:flowlog-queries`, exactly as scripts/build.mjs does. */
const sqlPlugin = {
  name: 'flowlog-queries',
  async setup(build) {
    const { sqlEsbuildPlugin } = await import(sqlModuleUrl);
    return sqlEsbuildPlugin().setup(build);
  },
};

module.exports = () => ({
  bundle: true,
  minify: true,
  // Class and function names survive minifying: errors are named after their class
  // (`new.target.name`), and Lambda reports that name as errorType (ValidationError, not `x`).
  keepNames: true,
  // Each bundle's map ships beside it, read only when a handler logs an error's stack
  // (src/lib/source-mapped-stack.ts), not at every cold start as --enable-source-maps would; the
  // sources themselves stay out of the maps to keep each zip small.
  sourcemap: true,
  sourcesContent: false,
  // CommonJS `.cjs` bundles: what Lambda and `serverless invoke local` (which loads only .js/.cjs
  // handlers) both run without a package.json beside them.
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  outputFileExtension: '.cjs',
  mainFields: ['module', 'main'],
  // DuckDB is the local engine only, imported dynamically when FLOWLOG_ENGINE=local: it is left
  // out of the bundles and, being in `exclude` rather than `external`, never installed into a zip.
  // The credential providers the SDK's default chain imports only when no credentials are in the
  // environment (SSO, shared config files, credential_process, web identity, and the STS/SSO
  // clients they use) are left out too: Lambda always gives a function its role's credentials in
  // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, so the chain never reaches them
  // there, and bundled they were 100 KiB of every cold start. `serverless invoke local` finds
  // them in the project's node_modules (profiles keep working); see README "Performance".
  exclude: ['@duckdb/node-api', '@duckdb/*', ...LAZY_CREDENTIAL_PACKAGES],
  plugins: [sqlPlugin],
  // serverless-esbuild zips in-process; no `npm install` runs because nothing is `external`.
  packager: 'npm',
});
