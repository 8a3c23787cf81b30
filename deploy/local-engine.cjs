// Local serverless plugin for FLOWLOG_ENGINE=local (`serverless invoke local` on DuckDB).
// - Nothing may reach AWS then: the SDK's instance-metadata credential lookup, which osls runs
//   before a local invoke, is switched off, so a machine without AWS credentials answers at once
//   instead of waiting on the metadata endpoint.
// - A stack must never be deployed or packaged for upload with the local engine, whose Lambda
//   bundles leave DuckDB out: deploy refuses, naming the variable to unset.
class LocalEngine {
  constructor(serverless) {
    this.serverless = serverless;
    this.local = process.env.FLOWLOG_ENGINE === 'local';
    if (this.local) process.env.AWS_EC2_METADATA_DISABLED = 'true';
    this.hooks = { 'before:deploy:deploy': () => this.refuseDeploy() };
  }

  refuseDeploy() {
    if (!this.local) return;
    throw new this.serverless.classes.Error('FLOWLOG_ENGINE=local is for `serverless invoke local` only; unset it to deploy (deployed functions use Athena)');
  }
}

module.exports = LocalEngine;
