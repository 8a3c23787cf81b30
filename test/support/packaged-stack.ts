/**
 * The packaged CloudFormation template (`serverless package`, offline), and a small evaluator of
 * its intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::Join) with fixed pseudo parameters, so
 * tests can compare the ARNs a role grants with the ARNs the code needs as plain strings.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServerlessOffline } from '../../deploy/offline-serverless.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the packaged template is free-form JSON read by path
export type Json = Record<string, any>;

export const ROOT = new URL('../../', import.meta.url).pathname;
export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-1';

/** Packages the project with these params into a fresh folder and returns the template. */
export async function packageStack(params: Readonly<Record<string, string>>, stage = 'ci'): Promise<{ dir: string; template: Json; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlog-variant-'));
  const args = ['package', '--stage', stage, '--region', REGION, '--package', dir];
  for (const [key, value] of Object.entries(params)) args.push(`--param=${key}=${value}`);
  await runServerlessOffline(ROOT, args, {}, 170_000);
  const file = join(dir, 'cloudformation-template-update-stack.json');
  return { dir, template: JSON.parse(readFileSync(file, 'utf8')) as Json, file };
}

const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'stack',
};

/** A resource's name as Ref gives it: buckets get a lowercase stand-in, named resources their name. */
function refOf(template: Json, id: string): string {
  if (PSEUDO[id] !== undefined) return PSEUDO[id];
  const resource = template.Resources?.[id];
  if (resource === undefined) return `<${id}>`;
  if (resource.Type === 'AWS::S3::Bucket') return `${id.toLowerCase()}-name`;
  if (resource.Type === 'AWS::Athena::WorkGroup') return String(resolve(template, resource.Properties.Name));
  if (resource.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${REGION}:${ACCOUNT}:${id}`;
  return id;
}

function attOf(template: Json, id: string, attribute: string): string {
  const resource = template.Resources?.[id];
  if (resource?.Type === 'AWS::S3::Bucket' && attribute === 'Arn') return `arn:aws:s3:::${refOf(template, id)}`;
  return `arn:${id}:${attribute}`;
}

/** The value with every intrinsic function evaluated (conditions are left as they are). */
export function resolve(template: Json, value: unknown, vars: Readonly<Record<string, unknown>> = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v, vars));
  if (value === null || typeof value !== 'object') return value;
  const node = value as Json;
  if ('Ref' in node) return refOf(template, node.Ref);
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = Array.isArray(node['Fn::GetAtt']) ? node['Fn::GetAtt'] : String(node['Fn::GetAtt']).split('.');
    return attOf(template, id, attribute);
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'];
    return (resolve(template, parts, vars) as unknown[]).join(separator);
  }
  if ('Fn::Sub' in node) {
    const [text, local] = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'] : [node['Fn::Sub'], {}];
    const own = Object.fromEntries(Object.entries(local as Json).map(([k, v]) => [k, resolve(template, v, vars)]));
    return String(text)
      .replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (own[name] !== undefined) return String(own[name]);
        const [id, attribute] = name.split('.');
        return attribute === undefined || PSEUDO[name] !== undefined ? refOf(template, name) : attOf(template, id!, attribute);
      })
      .replace(/\$\{!([^}]+)\}/g, (_, literal: string) => `\${${literal}}`); // `${!name}` is CloudFormation's escape for a literal `${name}`
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(template, v, vars)]));
}

export interface RoleStatement {
  readonly role: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition: Json | undefined;
}

/** The statements of a role's inline policies, evaluated. */
export function roleStatements(template: Json, role: string): RoleStatement[] {
  const resolved = resolve(template, template.Resources[role]) as Json;
  return (resolved.Properties.Policies ?? []).flatMap((p: Json) =>
    p.PolicyDocument.Statement.map((s: Json) => ({
      role,
      effect: s.Effect,
      actions: [s.Action].flat(),
      resources: [s.Resource].flat(),
      condition: s.Condition,
    })),
  );
}

/** IAM's wildcard match: `*` any run of characters, `?` one. */
export function iamMatches(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return re.test(value);
}
