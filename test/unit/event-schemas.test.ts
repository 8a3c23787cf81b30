import { readFileSync, writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import { describe, expect, it } from 'vitest';
import { PartitionsEvent } from '../../src/lib/partitions/event.js';
import { ReportEvent } from '../../src/lib/report/report-event.js';

/**
 * The README prints the JSON Schemas of both invoke events, generated from the valibot schemas
 * the handlers parse with. `UPDATE_README=1 npx vitest run test/unit/event-schemas.test.ts`
 * writes the current ones into the README.
 */
const README = new URL('../../README.md', import.meta.url);
const SCHEMAS = { 'partitions-event': PartitionsEvent, 'report-event': ReportEvent };

// A check (the day exists, the time parses) has no JSON Schema keyword: the schema states the pattern only.
const generated = (schema: Parameters<typeof toJsonSchema>[0]) =>
  JSON.stringify(toJsonSchema(schema, { typeMode: 'input', errorMode: 'throw', ignoreActions: ['check'] }), null, 2);
const block = (name: string, json: string) => `<!-- ${name} schema: generated -->\n\`\`\`json\n${json}\n\`\`\`\n<!-- /${name} schema -->`;
const pattern = (name: string) => new RegExp(`<!-- ${name} schema: generated -->\\n[\\s\\S]*?<!-- /${name} schema -->`);

describe('invoke event JSON Schemas in the README', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`when the ${name} schema changes, the README's copy is the generated one`, () => {
      const readme = readFileSync(README, 'utf8');
      const expected = block(name, generated(schema));
      if (process.env.UPDATE_README === '1')
        writeFileSync(
          README,
          readme.replace(pattern(name), () => expected),
        );
      const printed = readFileSync(README, 'utf8').match(pattern(name))?.[0];

      expect(printed, `README.md has no "<!-- ${name} schema: generated -->" block`).toBeDefined();
      expect(printed).toBe(expected);
    });
  }
});
