import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { publishedSchemas, publishedSchemaText } from "../../../shared/contracts/publishedSchemas.ts";
import { telemetryPayloadSchema } from "../../../shared/contracts/telemetryPayload.ts";

describe("published schemas", () => {
  it.each(publishedSchemas())(
    "keeps schemas/$file in step with its definition (run `npm run schemas`)",
    ({ file, schema }) => {
      const published = readFileSync(new URL(`../../../schemas/${file}`, import.meta.url), "utf8");

      // The text, not only the content: regenerating a file that is in step changes nothing.
      expect(published).toBe(publishedSchemaText(schema));
    },
  );

  it("accepts the C2 examples of the design", () => {
    const single = {
      ts: 1764115200000,
      seq: 42,
      metrics: { temperature: 71.25, vibration_rms: 0.12, running: true, mode: "AUTO" },
    };
    const batch = {
      samples: [{ ts: "2026-11-25T12:03:09.500Z", metrics: { temperature: 1 } }, { metrics: { a: 2 } }],
    };

    expect(telemetryPayloadSchema().safeParse(single).success).toBe(true);
    expect(telemetryPayloadSchema().safeParse(batch).success).toBe(true);
  });

  it("refuses bad metric names and values", () => {
    expect(telemetryPayloadSchema().safeParse({ metrics: { "9x": 1 } }).success).toBe(false);
    expect(telemetryPayloadSchema().safeParse({ metrics: { a: null } }).success).toBe(false);
    expect(telemetryPayloadSchema().safeParse({ samples: [] }).success).toBe(false);
  });
});
