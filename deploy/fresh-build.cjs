// Local serverless plugin: every package, single-function deploy and local invoke starts from an
// empty serverless-esbuild work folder (.esbuild/).
//
// serverless-esbuild copies a function's package patterns (the report's bundled lists,
// suppressionsFile and watchlistFile) into .esbuild/.build/__only_<function>/ and zips everything
// it finds there. It removes the folder only after a package; `serverless invoke local` (and a
// package that failed half-way) leave it behind. A later `serverless package` without the list's
// param then shipped the stale copy in the report zip, and a package with another list file
// shipped both. Emptying the folder before serverless-esbuild's own hooks (which run on the later
// `createDeploymentArtifacts`, `packageFunction` and `invoke` events) means a zip holds exactly
// what this run's params name.
const { rmSync } = require('node:fs');
const { join } = require('node:path');

/** serverless-esbuild's default outputWorkFolder (deploy/esbuild.config.cjs does not change it). */
const WORK_FOLDER = '.esbuild';

class FreshBuild {
  constructor(serverless) {
    this.serverless = serverless;
    const empty = () => this.empty();
    this.hooks = {
      'before:package:cleanup': empty,
      'before:deploy:function:initialize': empty,
      'before:invoke:local:loadEnvVars': empty,
    };
  }

  empty() {
    rmSync(join(this.serverless.serviceDir, WORK_FOLDER), { recursive: true, force: true });
  }
}

module.exports = FreshBuild;
