// Local serverless plugin, listed after serverless-iam-roles-per-function. That plugin gives each
// function its own role by cloning the framework's shared role, which leaves two things behind:
// the shared role itself (no function uses it any more) and, because the report schedule uses
// EventBridge Scheduler, `scheduler.amazonaws.com` in every cloned role's trust policy. The
// schedule runs with ReportSchedulerRole instead, so both leftovers are removed here, with the
// functions' DependsOn on their own role, which the Role reference already implies.
const SHARED_ROLE = 'IamRoleLambdaExecution';
const SCHEDULER = 'scheduler.amazonaws.com';

function references(value, logicalId) {
  if (Array.isArray(value)) return value.some((item) => references(item, logicalId));
  if (value === null || typeof value !== 'object') return false;
  if (value.Ref === logicalId) return true;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
  if (typeof getAtt === 'string' && getAtt.split('.')[0] === logicalId) return true;
  return Object.values(value).some((item) => references(item, logicalId));
}

class TightenRoles {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.tighten() };
  }

  tighten() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::IAM::Role' || logicalId === SHARED_ROLE) continue;
      for (const statement of resource.Properties.AssumeRolePolicyDocument.Statement) {
        const services = statement.Principal && statement.Principal.Service;
        if (Array.isArray(services) && services.includes('lambda.amazonaws.com')) {
          statement.Principal.Service = services.filter((service) => service !== SCHEDULER);
        }
      }
    }
    // The plugin also makes each function DependsOn its role, which the Role GetAtt already
    // enforces (cfn-lint W3005).
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function' || !Array.isArray(resource.DependsOn)) continue;
      resource.DependsOn = resource.DependsOn.filter((id) => !references(resource.Properties.Role, id));
      if (resource.DependsOn.length === 0) delete resource.DependsOn;
    }
    // A statement whose Resource list came out empty (the report's SSM lists when none is configured) grants nothing: dropped.
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      for (const policy of resource.Properties.Policies || []) {
        const document = policy.PolicyDocument;
        if (document && Array.isArray(document.Statement)) {
          document.Statement = document.Statement.filter((statement) => !(Array.isArray(statement.Resource) && statement.Resource.length === 0));
        }
      }
    }
    const others = Object.entries(resources).filter(([logicalId]) => logicalId !== SHARED_ROLE);
    if (resources[SHARED_ROLE] && !others.some(([, resource]) => references(resource, SHARED_ROLE))) {
      delete resources[SHARED_ROLE];
    }
  }
}

module.exports = TightenRoles;
