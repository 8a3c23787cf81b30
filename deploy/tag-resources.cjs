// Local serverless plugin: puts the stack's tags (provider.stackTags: service, stage and the
// `tags` param, see deploy/stack-tags.ts) on every resource of the packaged templates whose type
// takes a `Tags` list. osls tags only the functions (provider.tags) and the stack itself; stack
// tags reach most resources when CloudFormation propagates them, but not all, and not in the
// template where a reviewer or a policy check reads them. A resource's own tags are kept.
//
// The types below are those of this stack whose CloudFormation schema has a Tags list of
// {Key, Value} in every region (test/integration/deploy-package.test.ts checks every resource of
// the packaged template against cfn-lint's schemas, so a new taggable type cannot be missed
// silently). AWS::CloudWatch::Dashboard takes Tags in some regions only (not us-east-1 yet), so
// the dashboard has the stack's propagated tags alone.
const TAGGABLE = new Set([
  'AWS::Athena::WorkGroup',
  'AWS::CloudWatch::Alarm',
  'AWS::EC2::FlowLog',
  'AWS::Events::Rule',
  'AWS::IAM::Role',
  'AWS::KMS::Key',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
]);

function tagTemplate(template, tags) {
  if (!template || !template.Resources) return;
  for (const resource of Object.values(template.Resources)) {
    if (!TAGGABLE.has(resource.Type)) continue;
    resource.Properties = resource.Properties || {};
    const own = Array.isArray(resource.Properties.Tags) ? resource.Properties.Tags : [];
    const have = new Set(own.map((tag) => tag.Key));
    resource.Properties.Tags = [
      ...own,
      ...Object.entries(tags)
        .filter(([key]) => !have.has(key))
        .map(([Key, Value]) => ({ Key, Value: String(Value) })),
    ];
  }
}

class TagResources {
  constructor(serverless) {
    this.serverless = serverless;
    // After the resources section is merged in, before the template is written.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.tag() };
  }

  tag() {
    const provider = this.serverless.service.provider;
    const tags = provider.stackTags || {};
    tagTemplate(provider.compiledCloudFormationTemplate, tags);
  }
}

module.exports = TagResources;
