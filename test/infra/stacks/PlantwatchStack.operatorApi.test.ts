import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { STACK_OUTPUTS } from "../../../infra/stackOutputs.ts";
import { OPERATOR_ROUTES } from "../../../shared/contracts/operatorApi.ts";
import { ALARM_EVENT_SOURCE } from "../../../shared/domain/alarms/alarmEvent.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  asArray,
  logicalIdOf,
  readable,
  render,
  resource,
  roleStatements,
  type Statement,
} from "../support/cfn.ts";
import { allowsAction } from "../support/iamMatch.ts";

afterAll(removeTempOutdirs);

const REGION = "<AWS::Region>";
const MACHINE_MODELS = {
  version: 1,
  timeZone: "Europe/Berlin",
  machines: [{ match: { line: "line-2" }, parts: { total: "strokes", good: null } }],
};

function telemetryStoreOf(stack: PlantwatchApp["stack"]) {
  if (!stack.telemetryStore) throw new Error("the stack has no LiveAnalytics store");
  return stack.telemetryStore;
}

describe("operator API infrastructure", () => {
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<"api" | "fn" | "stage" | "accessLogs" | "key", string>;

  beforeAll(() => {
    built = buildApp({
      context: cdkJsonContext(),
      outdir: tempOutdir("operator-api"),
      // The LiveAnalytics deployment (the InfluxDB one: influxSeriesStore.test.ts).
      overrides: {
        api: { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
        series: { store: "liveanalytics" },
        kpis: { machineModels: MACHINE_MODELS },
      },
      nag: false,
    });
    template = Template.fromStack(built.stack);
    const { stack } = built;
    ids = {
      api: logicalIdOf(stack.operatorApi.api),
      fn: logicalIdOf(stack.apiFunction.function),
      stage: logicalIdOf(stack.operatorApi.stage),
      accessLogs: logicalIdOf(stack.operatorApi.accessLogs),
      key: logicalIdOf(stack.encryptionKey.key),
    };
  });

  const routes = () =>
    Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map(({ Properties }) => Properties);

  it("has exactly one route per C7 route: no catch-all, no $default", () => {
    expect(routes().map((route) => route.RouteKey)).toEqual([...OPERATOR_ROUTES]);
  });

  it("requires IAM authorisation (SigV4) on every route", () => {
    for (const route of routes())
      expect({ route: route.RouteKey, auth: route.AuthorizationType }).toEqual({
        route: route.RouteKey,
        auth: "AWS_IAM",
      });
  });

  it("integrates every route with the api function, payload format 2.0", () => {
    const integrations = Object.entries(template.findResources("AWS::ApiGatewayV2::Integration"));
    expect(integrations).toHaveLength(1);
    const [integrationId, integration] = integrations[0] as [string, { Properties: Record<string, unknown> }];
    expect(integration.Properties).toMatchObject({
      ApiId: { Ref: ids.api },
      IntegrationType: "AWS_PROXY",
      IntegrationUri: { "Fn::GetAtt": [ids.fn, "Arn"] },
      PayloadFormatVersion: "2.0",
    });
    for (const route of routes()) {
      expect(render(route.Target)).toBe(`integrations/<${integrationId}>`);
    }
  });

  it("lets API Gateway invoke the function only from this API, per route", () => {
    const permissions = Object.values(
      template.findResources("AWS::Lambda::Permission", {
        Properties: { Principal: "apigateway.amazonaws.com" },
      }),
    ).map(({ Properties }) => Properties);
    expect(permissions).toHaveLength(OPERATOR_ROUTES.length);
    for (const permission of permissions) {
      expect(permission.FunctionName).toEqual({ "Fn::GetAtt": [ids.fn, "Arn"] });
      expect(render(permission.SourceArn)).toMatch(
        new RegExp(
          `^arn:<AWS::Partition>:execute-api:${REGION.replace(/[<>:]/g, "\\$&")}:<AWS::AccountId>:<${ids.api}>/\\*/\\*/`,
        ),
      );
    }
  });

  it("serves one auto-deployed $default stage, throttled as configured, with JSON access logs", () => {
    const stage = resource(template, "AWS::ApiGatewayV2::Stage", ids.stage).Properties;
    expect(stage).toMatchObject({
      ApiId: { Ref: ids.api },
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: { "Fn::GetAtt": [ids.accessLogs, "Arn"] } },
    });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: "$context.requestId",
      caller: "$context.identity.userArn",
      routeKey: "$context.routeKey",
      status: "$context.status",
    });
    expect(resource(template, "AWS::Logs::LogGroup", ids.accessLogs).Properties).toMatchObject({
      KmsKeyId: { "Fn::GetAtt": [ids.key, "Arn"] },
      RetentionInDays: built.config.logRetentionDays,
    });
    template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
  });

  it("gives the function the stores, bus and Timestream table it serves", () => {
    const { stack, config } = built;
    expect(resource(template, "AWS::Lambda::Function", ids.fn).Properties.Environment.Variables).toEqual({
      ALARMS_TABLE: { Ref: logicalIdOf(stack.alarms.table) },
      HISTORY_TABLE: { Ref: logicalIdOf(stack.history.table) },
      RULES_TABLE: { Ref: logicalIdOf(stack.rules.table) },
      REGISTRY_TABLE: { Ref: logicalIdOf(stack.registry.table) },
      SILENCES_TABLE: { Ref: logicalIdOf(stack.silences.table) },
      EVENT_BUS_NAME: { Ref: logicalIdOf(stack.alarmEvents.bus) },
      OPERATORS_TABLE: { Ref: logicalIdOf(operatorDirectoryOf(stack).table) },
      TIMESTREAM_DATABASE: { Ref: logicalIdOf(telemetryStoreOf(stack).database) },
      TIMESTREAM_TABLE: { "Fn::GetAtt": [logicalIdOf(telemetryStoreOf(stack).table), "Name"] },
      HISTORY_RETENTION_MS: String(config.alarms.historyRetentionDays * 86_400_000),
      RULES_REFRESH_MS: String(config.alarms.rulesRefreshSeconds * 1000),
      REGISTRY_CACHE_TTL_MS: String(config.ingest.registryCacheTtlSeconds * 1000),
      PLANT_TIME_ZONE: config.alarms.notify.timeZone,
      // Validated at synth and again at cold start.
      MACHINE_MODELS: JSON.stringify(MACHINE_MODELS),
      POWERTOOLS_SERVICE_NAME: "api",
      POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
      NODE_OPTIONS: "--enable-source-maps",
    });
  });

  it("may do exactly what the API's stores need, each action on its one resource", () => {
    const { stack } = built;
    const arn = (construct: Parameters<typeof logicalIdOf>[0]) => `<${logicalIdOf(construct)}.Arn>`;
    const role = resource(template, "AWS::Lambda::Function", ids.fn).Properties.Role["Fn::GetAtt"][0];
    expect(readable(roleStatements(template, role))).toEqual([
      {
        sid: "WriteOwnLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [arn(stack.apiFunction.function.logGroup)],
      },
      {
        sid: "ReadDevices",
        actions: ["dynamodb:GetItem", "dynamodb:Scan"],
        resources: [arn(stack.registry.table)],
      },
      {
        sid: "ReadAndActOnAlarms",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"],
        resources: [arn(stack.alarms.table)],
      },
      {
        sid: "ReadAndAppendAlarmHistory",
        actions: ["dynamodb:Query", "dynamodb:BatchWriteItem"],
        resources: [arn(stack.history.table)],
      },
      {
        sid: "ReadAlarmChangeFeed",
        actions: ["dynamodb:Query"],
        resources: [`${arn(stack.history.table)}/index/byTime`],
      },
      {
        sid: "ReadAndWriteRules",
        actions: ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"],
        resources: [arn(stack.rules.table)],
      },
      {
        sid: "ReadAndWriteSilences",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
        resources: [arn(stack.silences.table)],
      },
      {
        sid: "QueryTelemetry",
        actions: ["timestream:Select"],
        resources: [`<${logicalIdOf(telemetryStoreOf(stack).table)}.Arn>`],
      },
      { sid: "DiscoverTimestreamEndpoints", actions: ["timestream:DescribeEndpoints"], resources: ["*"] },
      {
        sid: "PublishAlarmEvents",
        actions: ["events:PutEvents"],
        resources: [arn(stack.alarmEvents.bus)],
        condition: { StringEquals: { "events:source": ALARM_EVENT_SOURCE } },
      },
      {
        sid: "UseDeploymentKeyThroughItsStores",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [`<${ids.key}.Arn>`],
        condition: { StringEquals: { "kms:ViaService": [`dynamodb.${REGION}.amazonaws.com`] } },
      },
      {
        sid: "ReadConsoleUsers",
        actions: ["dynamodb:GetItem"],
        resources: [arn(operatorDirectoryOf(stack).table)],
      },
    ]);
  });

  describe("access policies", () => {
    const LEVELS = {
      viewer: STACK_OUTPUTS.apiViewerPolicyArn.key,
      operator: STACK_OUTPUTS.apiOperatorPolicyArn.key,
      admin: STACK_OUTPUTS.apiAdminPolicyArn.key,
    } as const;
    const deployedRoutes = () => routes().map((route) => route.RouteKey as string);

    /** The ARN API Gateway authorises a request to `route` with: each path parameter filled in. */
    const requestArn = (route: string, { api = `<${ids.api}>`, stage = "$default" } = {}) => {
      const [method, path] = route.split(" ") as [string, string];
      const filled = path.replace(/\{\w+\}/g, "oven-3");
      return `arn:<AWS::Partition>:execute-api:${REGION}:<AWS::AccountId>:${api}/${stage}/${method}${filled}`;
    };

    const policyOf = (level: keyof typeof LEVELS) => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: { Ref: string } }>;
      const output = outputs[LEVELS[level]];
      if (!output) throw new Error(`no output ${LEVELS[level]}`);
      return resource(template, "AWS::IAM::ManagedPolicy", output.Value.Ref).Properties;
    };
    const statementsOf = (level: keyof typeof LEVELS) =>
      policyOf(level).PolicyDocument.Statement as Statement[];
    const allows = (level: keyof typeof LEVELS, arn: string) =>
      allowsAction(statementsOf(level), "execute-api:Invoke", arn);
    const decisions = (level: keyof typeof LEVELS) =>
      Object.fromEntries(deployedRoutes().map((route) => [route, allows(level, requestArn(route))]));
    const expected = (allowed: (method: string, path: string) => boolean) =>
      Object.fromEntries(
        deployedRoutes().map((route) => {
          const [method, path] = route.split(" ") as [string, string];
          return [route, allowed(method, path)];
        }),
      );

    it("lets a viewer call every GET route and no POST, PUT or DELETE", () => {
      expect(decisions("viewer")).toEqual(expected((method) => method === "GET"));
    });

    it("deploys the console's change feed route and lets a viewer poll it", () => {
      expect(deployedRoutes()).toContain("GET /alarms/changes");
      expect(allows("viewer", requestArn("GET /alarms/changes"))).toBe(true);
    });

    it("lets an operator also act on alarms and add or remove silences, but not write rules", () => {
      expect(decisions("operator")).toEqual(
        expected((method, path) => method === "GET" || !path.startsWith("/rules")),
      );
      expect(allows("operator", requestArn("POST /alarms/{alarmId}/{action}"))).toBe(true);
      expect(allows("operator", requestArn("PUT /silences/{id}"))).toBe(true);
      expect(allows("operator", requestArn("DELETE /rules/{id}"))).toBe(false);
    });

    it("lets an admin call every route", () => {
      expect(decisions("admin")).toEqual(expected(() => true));
    });

    it("names each route exactly, on this API's stage, with `*` only for path parameters", () => {
      for (const level of Object.keys(LEVELS) as (keyof typeof LEVELS)[]) {
        const statements = statementsOf(level);
        expect(statements).toHaveLength(1);
        expect(statements[0]).toMatchObject({ Effect: "Allow", Action: "execute-api:Invoke" });
        const allowed = deployedRoutes().filter((route) => allows(level, requestArn(route)));
        expect(asArray(statements[0]?.Resource).map(render)).toEqual(
          allowed.map((route) => requestArn(route).replaceAll("oven-3", "*")),
        );
        for (const route of deployedRoutes()) {
          expect(allows(level, requestArn(route, { stage: "other" }))).toBe(false);
          expect(allows(level, requestArn(route, { api: "<AnotherApi>" }))).toBe(false);
        }
        const policy = policyOf(level);
        expect([policy.Roles, policy.Users, policy.Groups]).toEqual([undefined, undefined, undefined]);
      }
    });
  });

  it("publishes the stage URL and the function name", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(render(outputs[STACK_OUTPUTS.apiUrl.key]?.Value)).toBe(
      `https://<${ids.api}>.execute-api.${REGION}.<AWS::URLSuffix>/`,
    );
    expect(outputs[STACK_OUTPUTS.apiFunction.key]?.Value).toEqual({ Ref: ids.fn });
  });
});

/** The console's operator directory (the console is on by default). */
function operatorDirectoryOf(stack: PlantwatchApp["stack"]) {
  if (!stack.operatorDirectory) throw new Error("the console is enabled by default");
  return stack.operatorDirectory;
}
