// Local serverless plugin: with partitioning=projection Athena computes the table's partitions from
// each query, so the scheduled partitions function has nothing to do and is not deployed. osls has
// no condition for a whole function, so it is removed from the service before packaging (no bundle,
// no role, no schedule), and its errors alarm from the template once the resources are merged.
const FUNCTION = 'partitions';
const ALARM = 'PartitionsErrorsAlarm';

class Partitioning {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.dropFunction(),
      'before:aws:package:finalize:saveServiceState': () => this.dropAlarm(),
    };
  }

  projected() {
    const custom = this.serverless.service.custom || {};
    return custom.stack !== undefined && custom.stack.partitioning === 'projection';
  }

  dropFunction() {
    if (this.projected()) delete this.serverless.service.functions[FUNCTION];
  }

  dropAlarm() {
    if (!this.projected()) return;
    delete this.serverless.service.provider.compiledCloudFormationTemplate.Resources[ALARM];
  }
}

module.exports = Partitioning;
