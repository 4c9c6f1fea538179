import * as z from "zod/mini";
import type { MachineModelFile } from "../contracts/kpis.ts";
import { loadMachineModels } from "../contracts/loadMachineModels.ts";
import { sweepEnvironmentSchema } from "./alarmEnvironment.ts";
import { readEnvironment } from "./readEnvironment.ts";
import { type SeriesVariables, withSeriesVariables } from "./seriesEnvironment.ts";

export { type SeriesTarget, seriesTargetOf } from "./seriesEnvironment.ts";

/**
 * The environments of the notify and api functions: declared once, set by the CDK stack (typed
 * against these schemas) and validated strictly when a function starts.
 */
const name = z.string().check(z.minLength(1));
const arn = z.string().check(z.regex(/^arn:aws[a-z-]*:/));

export const notifyEnvironmentSchema = z.object({
  /** SNS topic of `critical` and `major` notifications (someone is woken up). */
  PAGE_TOPIC_ARN: arn,
  /** SNS topic of `minor`, `warning` and `info` notifications. */
  NOTIFY_TOPIC_ARN: arn,
  /** The C5 bus: formatted `Alarm Notification` events go back to it for the webhook rules. */
  EVENT_BUS_NAME: name,
  /** Maintenance windows (silences). */
  SILENCES_TABLE: name,
  /** The registry: site and line of a thing for silences matching by site/line. */
  REGISTRY_TABLE: name,
  REGISTRY_CACHE_TTL_MS: z.coerce.number().check(z.int(), z.positive()),
  /** The stack name, so the acknowledge command in a message names the right deployment. */
  STACK_NAME: name,
  /** IANA time zone for the human-readable times in messages. */
  PLANT_TIME_ZONE: name,
  /** Base URL of the operator dashboard, for links; empty for none. */
  CONSOLE_URL: z.optional(z.string()),
});

const apiVariables = {
  ...sweepEnvironmentSchema.shape,
  SILENCES_TABLE: name,
  /** The operator directory (console users by sub); absent when the stack has no console. */
  OPERATORS_TABLE: z.optional(name),
  /** IANA zone of the plant: day and shift edges of KPIs (C9) unless the machine models name one. */
  PLANT_TIME_ZONE: name,
  /** The C9 machine-model file as JSON (config `kpis.machineModels`); absent: the built-in model. */
  MACHINE_MODELS: z.optional(
    z
      .string()
      .check(z.refine((text) => loadMachineModels(text).ok, "must be a valid machine-model file (C9)")),
  ),
};

/** The machine models of a validated api environment. */
export function machineModelsOf(env: ApiEnvironment): MachineModelFile | undefined {
  if (env.MACHINE_MODELS === undefined) return undefined;
  const loaded = loadMachineModels(env.MACHINE_MODELS);
  if (!loaded.ok) throw new Error(`MACHINE_MODELS: ${loaded.problems.join("; ")}`);
  return loaded.file;
}

/** The console sign-in trigger's environment. */
export const consoleSignInEnvironmentSchema = z.object({ OPERATORS_TABLE: name });

/** The api variables plus those of the series store in use (see seriesEnvironment.ts). */
export const apiEnvironmentSchemas = withSeriesVariables(apiVariables);

export type NotifyEnvironment = z.infer<typeof notifyEnvironmentSchema>;
export type ApiEnvironment =
  | z.infer<typeof apiEnvironmentSchemas.liveanalytics>
  | z.infer<typeof apiEnvironmentSchemas.influxdb>;
export type NotifyEnvironmentVariables = { readonly [K in keyof NotifyEnvironment]: string };
/** What the api construct writes itself; the series store's construct adds its own variables. */
export type ApiOwnVariables = {
  readonly [K in keyof z.infer<z.ZodMiniObject<typeof apiVariables>>]: string;
};
export type ConsoleSignInEnvironmentVariables = {
  readonly [K in keyof z.infer<typeof consoleSignInEnvironmentSchema>]: string;
};
export type ApiEnvironmentVariables = ApiOwnVariables & SeriesVariables;

export const readNotifyEnvironment = (env: NodeJS.ProcessEnv = process.env): NotifyEnvironment =>
  readEnvironment(notifyEnvironmentSchema, "notify", env);
export const readApiEnvironment = (env: NodeJS.ProcessEnv = process.env): ApiEnvironment =>
  readEnvironment<ApiEnvironment>(apiEnvironmentSchemas.for(env), "api", env);
export const readConsoleSignInEnvironment = (env: NodeJS.ProcessEnv = process.env) =>
  readEnvironment(consoleSignInEnvironmentSchema, "consoleSignIn", env);
