import { toJSONSchema } from "zod/mini";
import { alarmEventDetailSchema, alarmReminderDetailSchema } from "./alarmEvent.ts";
import { alarmRuleFileSchema } from "./alarmRules.ts";
import { machineModelFileSchema } from "./kpis.ts";
import { telemetryPayloadSchema } from "./telemetryPayload.ts";

/** A schema as its file in `schemas/` holds it: what `npm run schemas` writes, byte for byte. */
export function publishedSchemaText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The JSON Schemas published in `schemas/` for device makers and integrators. */
export function publishedSchemas(): { file: string; schema: unknown }[] {
  return [
    { file: "telemetry-v1.schema.json", schema: toJSONSchema(telemetryPayloadSchema(), { io: "input" }) },
    { file: "alarm-event-v1.schema.json", schema: toJSONSchema(alarmEventDetailSchema(), { io: "input" }) },
    {
      file: "alarm-reminder-v1.schema.json",
      schema: toJSONSchema(alarmReminderDetailSchema(), { io: "input" }),
    },
    { file: "alarm-rules-v1.schema.json", schema: toJSONSchema(alarmRuleFileSchema(), { io: "input" }) },
    {
      file: "machine-model-v1.schema.json",
      schema: toJSONSchema(machineModelFileSchema(), { io: "input" }),
    },
  ];
}
