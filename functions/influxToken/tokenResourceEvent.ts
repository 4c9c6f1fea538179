import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { readTokenResourceProperties } from "./resourceProperties.ts";
import { createToken, deleteToken, type TokenLifecyclePorts, updateToken } from "./tokenLifecycle.ts";

/** What the `Provider` framework's onEvent returns to CloudFormation: ids only, never the token. */
export interface TokenResourceResponse {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly AuthorizationId: string };
}

/** One CloudFormation event of the token resource, mapped to its use case. */
export async function onTokenResourceEvent(
  event: CloudFormationCustomResourceEvent,
  ports: TokenLifecyclePorts,
  deadline: number,
): Promise<TokenResourceResponse> {
  const props = readTokenResourceProperties(event.ResourceProperties);
  switch (event.RequestType) {
    case "Create":
      return respond((await createToken(props, ports, deadline)).authorizationId);
    case "Update": {
      const previous = readTokenResourceProperties(event.OldResourceProperties);
      const outcome = await updateToken(previous, props, event.PhysicalResourceId, ports, deadline);
      return respond(outcome.authorizationId);
    }
    case "Delete":
      await deleteToken(props, event.PhysicalResourceId, ports, deadline);
      return respond(event.PhysicalResourceId);
  }
}

function respond(authorizationId: string): TokenResourceResponse {
  return { PhysicalResourceId: authorizationId, Data: { AuthorizationId: authorizationId } };
}
