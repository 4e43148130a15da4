/**
 * Writes docs/netwright.schema.json, the JSON Schema of a .netwright file, generated from the zod schema the app
 * validates with on load (src/core/schema.ts). Run: `npx tsx docs/generate-schema.ts`.
 * tests/docs/file-format.test.ts checks that the committed file equals what this generates.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DOCUMENT_VERSION } from '../src/core/document';
import { documentSchema } from '../src/core/schema';

export const SCHEMA_PATH = fileURLToPath(new URL('./netwright.schema.json', import.meta.url));

/** The JSON Schema (draft 7, so common validators read it) as the text committed in docs/. */
export function generateSchema(): string {
  const schema = z.toJSONSchema(documentSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  const out = {
    $schema: schema.$schema,
    $id: `https://netwright.app/schema/netwright-v${DOCUMENT_VERSION}.schema.json`,
    title: `Netwright network file, version ${DOCUMENT_VERSION}`,
    description: 'A .netwright file: a neural network (graph, layout, weights), its training setup, its data reference and optionally its training history. See docs/file-format.md. Generated from src/core/schema.ts by docs/generate-schema.ts: do not edit by hand.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, generateSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
