import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { KinesisStreamControl } from "../../shared/adapters/aws/kinesisStreamControl.ts";
import { readSweepEnvironment } from "../../shared/config/alarmEnvironment.ts";
import type { EngineReport } from "../../shared/domain/alarms/alarmEngine.ts";
import { createAlarmEngine } from "../commons/alarmEngine.ts";
import { awsAlarmEnginePorts } from "../commons/awsAlarmPorts.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { powertoolsReporting } from "../commons/powertoolsPorts.ts";
import { createStreamSweep, createSweep } from "./createSweep.ts";

const env = readSweepEnvironment();
const ports = awsAlarmEnginePorts(env);
const engine = createAlarmEngine({ ...ports, ...powertoolsReporting });
// Stream mode: the stream consumer is the only writer of alarm state; the sweep sends it ticks.
const sweep =
  env.TELEMETRY_STREAM_ARN === undefined
    ? createSweep(engine, ports.store, powertoolsReporting)
    : createStreamSweep(
        engine,
        ports.store,
        new KinesisStreamControl({ streamArn: env.TELEMETRY_STREAM_ARN }),
        powertoolsReporting,
      );

/** Every minute (EventBridge Scheduler): ended snoozes, offline things, undelivered events. */
async function handle(_event: unknown, context: Context): Promise<EngineReport> {
  return sweep.run({ remainingMs: context.getRemainingTimeInMillis() });
}

export const handler = middy(handle)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
