import * as z from "zod/mini";
import { THING_NAME_PATTERN } from "./telemetryTopic.ts";

/**
 * `device.json`, written by `plantwatch provision` into each device's output folder and read by
 * `plantwatch simulate` (and by anyone wiring a real device): where to connect and with what.
 * File paths are relative to the folder holding `device.json`.
 */
export const DEVICE_CONFIG_FILE = "device.json";

export const deviceConfigSchema = z.object({
  version: z.literal(1),
  thingName: z.string().check(z.regex(THING_NAME_PATTERN)),
  /** MQTT over TLS endpoint: the account's `iot:Data-ATS` endpoint, or `localhost` for the local stack. */
  endpoint: z.string().check(z.minLength(1)),
  port: z._default(z.int().check(z.minimum(1), z.maximum(65535)), 8883),
  /** PEM files, relative to this file. */
  certificate: z.string(),
  privateKey: z.string(),
  caCertificate: z.string(),
  /** C1 topic root of the deployment, and its telemetry rule's name for Basic Ingest. */
  topicRoot: z.string(),
  telemetryRuleName: z.string(),
  /** Registry attributes: site, line, model, and any alarm threshold attributes. */
  attributes: z._default(z.record(z.string(), z.union([z.string(), z.number()])), {}),
});

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
