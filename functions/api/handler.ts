import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { documentClient } from "../../shared/adapters/aws/documentClient.ts";
import { DynamoDbDeviceRegistry } from "../../shared/adapters/aws/dynamoDbDeviceRegistry.ts";
import { DynamoDbOperatorDirectory } from "../../shared/adapters/aws/dynamoDbOperatorDirectory.ts";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { DynamoDbSilenceStore } from "../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import { KinesisStreamControl } from "../../shared/adapters/aws/kinesisStreamControl.ts";
import {
  machineModelsOf,
  readApiEnvironment,
  seriesTargetOf,
} from "../../shared/config/operatorEnvironment.ts";
import { plantOf } from "../../shared/domain/kpis/machineModel.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { createAlarmEngine, createStreamOperatorActions } from "../commons/alarmEngine.ts";
import { awsAlarmEnginePorts } from "../commons/awsAlarmPorts.ts";
import { logger, metrics } from "../commons/powertools.ts";
import { powertoolsLog } from "../commons/powertoolsPorts.ts";
import { seriesReadersFor } from "../commons/seriesAdapters.ts";
import { createOperatorApi } from "./app.ts";
import type { ApiEvent, ApiResult } from "./http.ts";

const env = readApiEnvironment();
const client = documentClient();
const alarmPorts = awsAlarmEnginePorts(env, client);
const seriesReaders = seriesReadersFor(seriesTargetOf(env));
const api = createOperatorApi({
  alarms: alarmPorts.store,
  // Stream mode: the stream consumer is the only writer of alarm state; actions travel the stream.
  engine:
    env.TELEMETRY_STREAM_ARN === undefined
      ? createAlarmEngine({ ...alarmPorts, log: powertoolsLog })
      : createStreamOperatorActions({
          ...alarmPorts,
          log: powertoolsLog,
          stream: new KinesisStreamControl({ streamArn: env.TELEMETRY_STREAM_ARN }),
        }),
  rules: new DynamoDbRuleRepository({ client, tableName: env.RULES_TABLE }),
  registry: new DynamoDbDeviceRegistry({
    client,
    tableName: env.REGISTRY_TABLE,
    cacheTtlMs: env.REGISTRY_CACHE_TTL_MS,
    lastSeenIntervalMs: Number.MAX_SAFE_INTEGER,
  }),
  silences: new DynamoDbSilenceStore({ client, tableName: env.SILENCES_TABLE }),
  series: seriesReaders.query,
  kpis: {
    series: seriesReaders.facts,
    plant: plantOf(machineModelsOf(env), env.PLANT_TIME_ZONE),
  },
  clock: systemClock,
  ...(env.OPERATORS_TABLE && {
    operators: new DynamoDbOperatorDirectory({ client, tableName: env.OPERATORS_TABLE, clock: systemClock }),
  }),
  log: powertoolsLog,
});

/** API Gateway (HTTP API, IAM-authorised) → the operator API; the request id is the logs' correlation id. */
async function serve(event: ApiEvent, context: Context): Promise<ApiResult> {
  logger.setCorrelationId(event.requestContext?.requestId);
  const result = await api(event, context);
  const status = result.statusCode ?? 200;
  metrics.addMetric(
    status >= 500 ? "ServerErrors" : status >= 400 ? "ClientErrors" : "Requests",
    MetricUnit.Count,
    1,
  );
  return result;
}

export const handler = middy(serve)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
