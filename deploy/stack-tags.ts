/**
 * The tags every resource of the stack carries: the service and stage by default, and what the
 * `tags` param adds (`key=value,key=value`). serverless.yml gives them to the stack
 * (provider.stackTags) and the functions (provider.tags); deploy/tag-resources.cjs puts them on
 * every other resource of the template that takes tags.
 */
import { ConfigError } from '../src/lib/errors.js';

/** AWS tagging rules ("Tag naming limits and requirements"): at most 50 user tags per resource. */
export const MAX_TAGS_PER_RESOURCE = 50;
/** Tag keys are 1 to 128 Unicode characters, values 0 to 256. */
export const TAG_KEY_MAX_CHARS = 128;
export const TAG_VALUE_MAX_CHARS = 256;
/** Letters, numbers, spaces and `_ . : / = + - @`, the set every tagging service accepts. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface TagDefaults {
  readonly service: string;
  readonly stage: string;
}

/** `service` and `stage`, then the param's tags over them; one error names every bad entry. */
export function stackTags(raw: string, defaults: TagDefaults): Record<string, string> {
  const tags: Record<string, string> = { service: defaults.service, stage: defaults.stage };
  const problems: string[] = [];
  const given = new Set<string>();
  for (const entry of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const at = entry.indexOf('=');
    if (at < 0) {
      problems.push(`param tags: ${JSON.stringify(entry)} is not key=value`);
      continue;
    }
    const key = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim();
    const keyChars = Array.from(key).length;
    if (keyChars < 1 || keyChars > TAG_KEY_MAX_CHARS) problems.push(`param tags: the key of ${JSON.stringify(entry)} must be 1 to ${TAG_KEY_MAX_CHARS} characters`);
    if (Array.from(value).length > TAG_VALUE_MAX_CHARS) problems.push(`param tags: the value of ${JSON.stringify(key)} must be at most ${TAG_VALUE_MAX_CHARS} characters`);
    if (!TAG_CHARS.test(key) || !TAG_CHARS.test(value)) problems.push(`param tags: ${JSON.stringify(entry)} may hold only letters, digits, spaces and _ . : / = + - @`);
    if (key.toLowerCase().startsWith('aws:')) problems.push(`param tags: ${JSON.stringify(key)} starts with aws:, which AWS keeps for itself`);
    if (given.has(key)) problems.push(`param tags: ${JSON.stringify(key)} is given twice`);
    given.add(key);
    tags[key] = value;
  }
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS_PER_RESOURCE) problems.push(`param tags: ${count} tags with service and stage, more than the ${MAX_TAGS_PER_RESOURCE} a resource can carry`);
  if (problems.length > 0) throw new ConfigError(problems);
  return tags;
}
