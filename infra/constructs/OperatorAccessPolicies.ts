import { ArnFormat, Stack, Token } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { OPERATOR_ROUTES, type OperatorRoute } from "../../shared/contracts/operatorApi.ts";
import type { OperatorApi } from "./OperatorApi.ts";

/** Who may call the operator API, least first; each level may call what the levels before it may. */
export const OPERATOR_ACCESS_LEVELS = ["viewer", "operator", "admin"] as const;
export type OperatorAccessLevel = (typeof OPERATOR_ACCESS_LEVELS)[number];

/**
 * The least level that may call each route. A record over every route, so a new route does not
 * compile until someone decides who may call it.
 */
export const ROUTE_ACCESS: Readonly<Record<OperatorRoute, OperatorAccessLevel>> = {
  "GET /devices": "viewer",
  "GET /devices/{thingName}": "viewer",
  "GET /devices/{thingName}/telemetry": "viewer",
  "GET /alarms": "viewer",
  // Polled by the console for live updates: reads, like every GET.
  "GET /alarms/changes": "viewer",
  "GET /alarms/{alarmId}": "viewer",
  "GET /alarms/{alarmId}/history": "viewer",
  "GET /rules": "viewer",
  "GET /silences": "viewer",
  "GET /kpis": "viewer",
  // Acknowledging, snoozing, disabling and silencing mute paging: an operator's decision, not a viewer's.
  "POST /alarms/{alarmId}/{action}": "operator",
  "PUT /silences/{id}": "operator",
  "DELETE /silences/{id}": "operator",
  // Rules decide what alarms at all.
  "PUT /rules/{id}": "admin",
  "DELETE /rules/{id}": "admin",
};

/**
 * A policy's description cannot change without replacing the policy, which would detach it from the
 * users and groups an administrator attached it to: keep these words stable ("every GET route"
 * covers routes added later, such as `GET /kpis`).
 */
const DESCRIPTIONS: Readonly<Record<OperatorAccessLevel, string>> = {
  viewer: "viewer: read devices, telemetry, alarms, history, rules and silences (every GET route)",
  operator:
    "operator: viewer, plus act on alarms (ack, snooze, disable, enable, reset) and add or remove silences",
  admin: "admin: operator, plus write and delete alarm rules (every route)",
};

/** The routes a level may call, in `OPERATOR_ROUTES` order. */
export function routesOf(level: OperatorAccessLevel): OperatorRoute[] {
  const rank = OPERATOR_ACCESS_LEVELS.indexOf(level);
  return OPERATOR_ROUTES.filter((route) => OPERATOR_ACCESS_LEVELS.indexOf(ROUTE_ACCESS[route]) <= rank);
}

/**
 * A route's part of its execute-api ARN, `<stage>/<METHOD>/<path>`, each `{param}` a `*`: IAM has no
 * one-segment wildcard, and the parameter values are the callers' data.
 */
export function routeResourceName(stage: string, route: OperatorRoute): string {
  const [method, path] = route.split(" ") as [string, string];
  return `${stage}/${method}${path.replace(/\{[^}]+\}/g, "*")}`;
}

export interface OperatorAccessPoliciesProps {
  readonly api: OperatorApi;
  /** Names the deployment in the policies' descriptions. */
  readonly stackName: string;
}

/**
 * Three customer-managed policies for the people and tools that call the operator API: viewer,
 * operator and admin (`ROUTE_ACCESS`). Each allows `execute-api:Invoke` on exactly its routes of
 * this API's stage, so that an IAM principal can be given less than the whole API. They are
 * attached to nobody here: the account's administrators attach them to users, groups or roles.
 */
export class OperatorAccessPolicies extends Construct {
  readonly policies: Readonly<Record<OperatorAccessLevel, iam.ManagedPolicy>>;
  /** The API's stage, as the policies' resources name it. */
  readonly stageName: string;

  constructor(scope: Construct, id: string, props: OperatorAccessPoliciesProps) {
    super(scope, id);
    this.stageName = props.api.stage.stageName;
    if (Token.isUnresolved(this.stageName)) throw new Error("the operator API's stage needs a literal name");
    const stack = Stack.of(this);
    const policyOf = (level: OperatorAccessLevel, policyId: string) =>
      new iam.ManagedPolicy(this, policyId, {
        description: `plantwatch ${props.stackName} operator API, ${DESCRIPTIONS[level]}`,
        statements: [
          new iam.PolicyStatement({
            actions: ["execute-api:Invoke"],
            resources: routesOf(level).map((route) =>
              stack.formatArn({
                service: "execute-api",
                resource: props.api.api.apiId,
                resourceName: routeResourceName(this.stageName, route),
                arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
              }),
            ),
          }),
        ],
      });
    this.policies = {
      viewer: policyOf("viewer", "Viewer"),
      operator: policyOf("operator", "Operator"),
      admin: policyOf("admin", "Admin"),
    };
  }
}
