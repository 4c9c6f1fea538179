import { toJSONSchema } from "zod/mini";
import { telemetryPayloadSchema } from "./telemetryPayload.ts";

/** The JSON Schemas published in `schemas/` for device makers and integrators. */
export function publishedSchemas(): { file: string; schema: unknown }[] {
  return [
    { file: "telemetry-v1.schema.json", schema: toJSONSchema(telemetryPayloadSchema, { io: "input" }) },
  ];
}
