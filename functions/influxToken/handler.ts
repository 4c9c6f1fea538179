import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { CloudFormationCustomResourceEvent, Context } from "aws-lambda";
import { logger } from "../commons/powertools.ts";
import { InfluxAdminApi } from "./influxAdminApi.ts";
import { SecretsManagerAdminCredentials, SecretsManagerTokenVault } from "./secretsManagerAdapters.ts";
import type { TokenLifecyclePorts } from "./tokenLifecycle.ts";
import { onTokenResourceEvent, type TokenResourceResponse } from "./tokenResourceEvent.ts";

/** Room left to answer the framework (and sign out) before the function times out. */
const DEADLINE_MARGIN_MS = 10_000;

const secretsManager = new SecretsManagerClient({});
const ports: TokenLifecyclePorts = {
  adminCredentials: new SecretsManagerAdminCredentials(secretsManager),
  tokenVault: new SecretsManagerTokenVault(secretsManager),
  influx: new InfluxAdminApi(),
  log: logger,
};

/**
 * The `onEvent` handler of the InfluxDB token custom resource (CDK `custom-resources` Provider).
 * The event and the answer hold ids and ARNs only, so the framework may log both.
 */
export async function handler(
  event: CloudFormationCustomResourceEvent,
  context: Context,
): Promise<TokenResourceResponse> {
  logger.addContext(context);
  const deadline = Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
  const response = await onTokenResourceEvent(event, ports, deadline);
  logger.info("token resource event handled", {
    requestType: event.RequestType,
    physicalResourceId: response.PhysicalResourceId,
  });
  return response;
}
