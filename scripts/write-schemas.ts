/** Writes the published JSON Schemas in `schemas/` from their zod definitions (one source of truth). */
import { writeFileSync } from "node:fs";
import { publishedSchemas, publishedSchemaText } from "../shared/contracts/publishedSchemas.ts";

for (const { file, schema } of publishedSchemas()) {
  writeFileSync(new URL(`../schemas/${file}`, import.meta.url), publishedSchemaText(schema));
  console.log(`wrote schemas/${file}`);
}
