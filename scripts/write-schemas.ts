/** Writes the published JSON Schemas in `schemas/` from their zod definitions (one source of truth). */
import { writeFileSync } from "node:fs";
import { publishedSchemas } from "../shared/contracts/publishedSchemas.ts";

for (const { file, schema } of publishedSchemas()) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
