import { randomUUID } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchOperatorRoute } from "../../functions/api/protocol/routeMatch.ts";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { DynamoDbSilenceStore } from "../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import type { AlarmNotificationDetail } from "../../shared/contracts/alarmNotification.ts";
import type { ErrorBody } from "../../shared/contracts/operatorApi.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../../shared/domain/alarms/alarmEvent.ts";
import { ALARM_EVENTS } from "../shared/domain/notifications/alarmEvents.ts";
import { createAlarmTables, createSilencesTable, historyOf } from "../support/alarmTables.ts";
import { consoleCognitoIdentity, postAuthenticationEvent } from "../support/cognitoEvents.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { createOperatorDirectoryTable, createRulesTable } from "../support/dynaliteTables.ts";
import { type FakeEventBridge, startFakeEventBridge } from "../support/fakeEventBridge.ts";
import { type FakeSns, startFakeSns } from "../support/fakeSns.ts";
import { type FakeTimestreamQuery, startFakeTimestreamQuery } from "../support/fakeTimestreamQuery.ts";
import { type BundleRun, type Invocation, runBundle } from "../support/runBundle.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../support/synthesizedFunction.ts";

/** The suite runs the api bundle against the Timestream for LiveAnalytics query fake. */
const LIVE_ANALYTICS = { series: { store: "liveanalytics" } };
const NOW = Date.now();
const BUS = "plantwatch-test";
const ANA = "arn:aws:iam::123456789012:user/ana";
const PAGE_TOPIC = "arn:aws:sns:eu-west-1:123456789012:plantwatch-test-page";
const NOTIFY_TOPIC = "arn:aws:sns:eu-west-1:123456789012:plantwatch-test-notify";
const TIMESTREAM = { database: "plantwatch-test", table: "telemetry" };

/** The template's own environment (tokens left out), for the overrides to complete. */
function templateEnvironment(bundle: SynthesizedFunction): Record<string, string> {
  return Object.fromEntries(
    Object.entries(bundle.environment).filter(([, value]) => typeof value === "string"),
  ) as Record<string, string>;
}

const AWS_RUNTIME = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret",
};

interface ApiRequest {
  readonly method: string;
  /** The path as the client sends it (percent-encoded where needed). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * An API Gateway HTTP API payload 2.0 event with an IAM authorizer context, as API Gateway builds it
 * for an authorised caller: the route key and decoded path parameters of the C7 route the path names.
 */
function apiEvent(request: ApiRequest): APIGatewayProxyEventV2WithIAMAuthorizer {
  const match = matchOperatorRoute(request.method, request.path);
  const routeKey = match.kind === "route" ? match.route : "$default";
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return {
    version: "2.0",
    routeKey,
    rawPath: request.path,
    rawQueryString,
    headers: {
      host: "abc123.execute-api.eu-west-1.amazonaws.com",
      "user-agent": "plantwatch-cli",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(request.query === undefined ? {} : { queryStringParameters: { ...request.query } }),
    ...(match.kind === "route" && Object.keys(match.pathParameters).length > 0
      ? { pathParameters: { ...match.pathParameters } }
      : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: request.method,
        path: request.path,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "plantwatch-cli",
      },
      requestId: `req-${randomUUID()}`,
      routeKey,
      stage: "$default",
      time: new Date(NOW).toISOString(),
      timeEpoch: NOW,
      authorizer: {
        iam: {
          accessKey: "AKIAEXAMPLE",
          accountId: "123456789012",
          callerId: "AIDAEXAMPLE",
          cognitoIdentity: null,
          principalOrgId: "",
          userArn: ANA,
          userId: "AIDAEXAMPLE",
        },
      },
    },
  };
}

interface ApiAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** The parsed JSON body; undefined when there is none. */
  readonly body: unknown;
}

/** Each invocation's result as an HTTP answer; a thrown handler fails the test with the child's stderr. */
function answersOf(run: BundleRun): ApiAnswer[] {
  return run.results.map((result) => {
    if (!("ok" in result)) throw new Error(`the handler threw ${JSON.stringify(result)}\n${run.stderr}`);
    const { statusCode, headers, body } = result.ok as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    return {
      statusCode: statusCode ?? 200,
      headers: headers ?? {},
      body: body === undefined ? undefined : (JSON.parse(body) as unknown),
    };
  });
}

/** The EventBridge envelope a rule target receives. */
function eventBridgeEvent(detail: AlarmEventDetail) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": isReminder(detail) ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE,
    source: ALARM_EVENT_SOURCE,
    account: "123456789012",
    time: new Date(NOW).toISOString(),
    region: "eu-west-1",
    resources: [],
    detail,
  };
}

/**
 * The deployable operator functions: the api and notify bundles from `cdk.out`, run in child Node
 * processes with the template's environment, against dynalite, a fake Timestream Query endpoint, a
 * fake SNS and a fake EventBridge. The evaluate bundle raises the alarm the api acts on.
 */
describe("operator function bundles", () => {
  let api: SynthesizedFunction;
  let notify: SynthesizedFunction;
  let evaluate: SynthesizedFunction;
  let dynamo: LocalDynamo;
  let eventBridge: FakeEventBridge;
  let timestream: FakeTimestreamQuery;
  let sns: FakeSns;
  let tables: {
    alarmsTableName: string;
    historyTableName: string;
    rulesTableName: string;
    silencesTableName: string;
    operatorsTableName: string;
  };

  const storeEnv = (): Record<string, string> => ({
    ALARMS_TABLE: tables.alarmsTableName,
    HISTORY_TABLE: tables.historyTableName,
    RULES_TABLE: tables.rulesTableName,
    REGISTRY_TABLE: dynamo.tableName,
    SILENCES_TABLE: tables.silencesTableName,
    EVENT_BUS_NAME: BUS,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
  });
  const apiEnv = (): Record<string, string> => ({
    ...templateEnvironment(api),
    ...storeEnv(),
    OPERATORS_TABLE: tables.operatorsTableName,
    TIMESTREAM_DATABASE: TIMESTREAM.database,
    TIMESTREAM_TABLE: TIMESTREAM.table,
    ...AWS_RUNTIME,
    AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-api",
    // The SDK still runs endpoint discovery with an endpoint from the environment (only a constructor
    // `endpoint` turns it off); the fake answers DescribeEndpoints with 127.0.0.1, and the port stays.
    AWS_ENDPOINT_URL_TIMESTREAM_QUERY: timestream.endpoint,
  });
  const callApi = async (requests: readonly ApiRequest[], consoleUserSub?: string) => {
    const events = requests.map((request) => apiEvent(request));
    // Identity pool credentials: API Gateway names the user pool sign-in behind the group role.
    if (consoleUserSub !== undefined) {
      for (const event of events) {
        Object.assign(event.requestContext.authorizer.iam, {
          userArn:
            "arn:aws:sts::123456789012:assumed-role/plantwatch-test-ConsoleOperator/CognitoIdentityCredentials",
          cognitoIdentity: consoleCognitoIdentity(consoleUserSub),
        });
      }
    }
    const run = await runBundle(
      api,
      events.map((event): Invocation => ({ event })),
      apiEnv(),
    );
    const answers = answersOf(run);
    return answers.map((answer, index) => ({
      ...answer,
      requestId: events[index]?.requestContext.requestId,
    }));
  };

  beforeAll(async () => {
    // One synthesis for all three (the assembly is cached per process).
    // Against the LiveAnalytics query fake: the store is pinned (the same overrides for all three).
    api = synthesizeFunction("api", LIVE_ANALYTICS);
    notify = synthesizeFunction("notify", LIVE_ANALYTICS);
    evaluate = synthesizeFunction("evaluate", LIVE_ANALYTICS);
    [dynamo, eventBridge, timestream, sns] = await Promise.all([
      startDynalite(),
      startFakeEventBridge(),
      startFakeTimestreamQuery(),
      startFakeSns([PAGE_TOPIC, NOTIFY_TOPIC]),
    ]);
    const [alarmTables, rulesTableName, silencesTableName, operatorsTableName] = await Promise.all([
      createAlarmTables(dynamo.client, "plantwatch-test"),
      createRulesTable(dynamo, "plantwatch-test-rules"),
      createSilencesTable(dynamo.client, "plantwatch-test"),
      createOperatorDirectoryTable(dynamo.client, "plantwatch-test-operators"),
    ]);
    tables = { ...alarmTables, rulesTableName, silencesTableName, operatorsTableName };
    for (const device of [
      { thingName: "oven-3", site: "plant-1", line: "line-2" },
      { thingName: "mixer-1", site: "plant-9", line: "line-1" },
    ]) {
      await dynamo.client.send(new PutCommand({ TableName: dynamo.tableName, Item: device }));
    }
  });

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), eventBridge?.stop(), timestream?.stop(), sns?.stop()]);
  });

  describe("api", () => {
    it("stores a rule with PUT /rules/{id} and lists it with GET /rules", async () => {
      const rule = {
        id: "mixer-vibration",
        name: "Mixer vibration too high",
        severity: "major",
        match: { things: ["mixer-*"] },
        kind: "threshold",
        metric: "vibration",
        condition: { op: ">", value: 7.5 },
      };

      const [put, putAgain, list] = await callApi([
        { method: "PUT", path: "/rules/mixer-vibration", body: rule },
        { method: "PUT", path: "/rules/mixer-vibration", body: { ...rule, severity: "critical" } },
        { method: "GET", path: "/rules" },
      ]);

      expect(put).toMatchObject({
        statusCode: 201,
        headers: { "content-type": "application/json" },
        body: { created: true, rule: expect.objectContaining(rule) },
      });
      expect(putAgain).toMatchObject({
        statusCode: 200,
        body: { created: false, rule: { ...rule, severity: "critical" } },
      });
      const listed = list?.body as { version: string; items: { id: string }[] };
      expect(list?.statusCode).toBe(200);
      expect(listed.version).toEqual(expect.any(String));
      expect(listed.items.find((item) => item.id === "mixer-vibration")).toEqual(
        (putAgain?.body as { rule: unknown } | undefined)?.rule,
      );
    });

    it("acknowledges an alarm the evaluate bundle raised, publishing C5 with the caller as actor, once", async () => {
      await new DynamoDbRuleRepository({ tableName: tables.rulesTableName, client: dynamo.client }).apply({
        put: [
          {
            id: "oven-overheat",
            name: "Oven temperature too high",
            severity: "critical",
            match: { things: ["oven-*"] },
            kind: "threshold",
            metric: "temperature",
            condition: { op: ">", value: 250 },
          },
        ],
        delete: [],
      });
      const payload = JSON.stringify({ ts: NOW - 30_000, metrics: { temperature: 262.4 } });
      const raised = await runBundle(
        evaluate,
        [
          {
            event: {
              payload: Buffer.from(payload).toString("base64"),
              thingName: "oven-3",
              receivedAt: NOW - 30_000,
              clientId: "oven-3",
            },
          },
        ],
        { ...templateEnvironment(evaluate), ...storeEnv(), ...AWS_RUNTIME },
      );
      expect(raised.results).toEqual([{ ok: expect.objectContaining({ transitions: 1 }) }]);
      const before = eventBridge.events().length;

      const [ack, again] = await callApi([
        { method: "POST", path: "/alarms/oven-overheat:oven-3/ack", body: { note: "checking burner 2" } },
        { method: "POST", path: "/alarms/oven-overheat:oven-3/ack" },
      ]);

      expect(ack?.statusCode).toBe(200);
      expect(ack?.body).toMatchObject({
        alarm: {
          alarmId: "oven-overheat:oven-3",
          thingName: "oven-3",
          rule: { id: "oven-overheat", severity: "critical", kind: "threshold" },
          device: { site: "plant-1", line: "line-2" },
          state: "ACKNOWLEDGED",
        },
        event: {
          alarmId: "oven-overheat:oven-3",
          state: { value: "ACKNOWLEDGED", previous: "ACTIVE" },
          actor: { id: ANA, note: "checking burner 2" },
        },
      });
      const published = eventBridge.events().slice(before);
      expect(published.map((event) => [event.eventBusName, event.source, event.detailType])).toEqual([
        [BUS, "plantwatch", "Alarm State Change"],
      ]);
      expect(published[0]?.detail).toEqual((ack?.body as { event: unknown } | undefined)?.event);
      expect(published[0]?.detail).toMatchObject({
        version: "1",
        rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical" },
        device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
        actor: { id: ANA, note: "checking burner 2" },
      });
      expect(again?.statusCode).toBe(409);
      expect(again?.body).toEqual({
        error: {
          code: "action_not_allowed",
          message: expect.any(String),
          requestId: again?.requestId,
        },
      } satisfies ErrorBody);
      const history = await historyOf(dynamo.client, tables.historyTableName, "oven-overheat:oven-3");
      expect(history.map((item) => [item.kind, item.to])).toEqual([
        ["transition", "ACTIVE"],
        ["transition", "ACKNOWLEDGED"],
      ]);
    });

    it("creates, lists and deletes a silence", async () => {
      const body = {
        match: { things: ["press-*"], site: "plant-1" },
        startsAt: "2099-01-01T06:00:00.000Z",
        endsAt: "2099-01-01T08:00:00.000Z",
        comment: "press line maintenance",
      };

      const [put, list, removed, removedAgain, listAfter] = await callApi([
        { method: "PUT", path: "/silences/press-maintenance", body },
        { method: "GET", path: "/silences" },
        { method: "DELETE", path: "/silences/press-maintenance" },
        { method: "DELETE", path: "/silences/press-maintenance" },
        { method: "GET", path: "/silences" },
      ]);

      const view = {
        id: "press-maintenance",
        ...body,
        createdBy: ANA,
        createdAt: expect.any(String),
        active: false,
      };
      expect(put).toMatchObject({ statusCode: 201, body: view });
      expect(list).toMatchObject({ statusCode: 200, body: { items: [view] } });
      expect(removed).toMatchObject({ statusCode: 204, body: undefined });
      expect(removedAgain).toMatchObject({ statusCode: 404, body: { error: { code: "not_found" } } });
      expect(listAfter).toMatchObject({ statusCode: 200, body: { items: [] } });
    });

    it("records a console user's silence under the e-mail the sign-in trigger bundle put in the directory", async () => {
      const sub = "5f0c2a9e-8d7b-4c6a-9e1f-2b3c4d5e6f70";
      const trigger = synthesizeFunction("console-sign-in", LIVE_ANALYTICS);
      const signIn = postAuthenticationEvent({ sub, email: "olga@example.com" });
      const recorded = await runBundle(trigger, [{ event: signIn }], {
        ...templateEnvironment(trigger),
        OPERATORS_TABLE: tables.operatorsTableName,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        ...AWS_RUNTIME,
        AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-console-sign-in",
      });
      // Cognito needs its event back to finish the sign-in.
      expect(recorded.results).toEqual([{ ok: signIn }]);

      const [put] = await callApi(
        [
          {
            method: "PUT",
            path: "/silences/kiln-night",
            // No thing the other tests use: this silence must not quiet their notifications.
            body: { match: { things: ["kiln-*"] }, duration: "1h", comment: "night shift" },
          },
        ],
        sub,
      );

      expect(put).toMatchObject({
        statusCode: 201,
        body: { id: "kiln-night", createdBy: "olga@example.com" },
      });
    });

    it("queries Timestream for a valid telemetry request, and refuses a hostile metric before any query", async () => {
      timestream.answer([
        ["2026-11-25 11:59:00.500000000", "262.4"],
        ["2026-11-25 11:58:00.000000000", "250"],
      ]);
      const range = { from: "2026-11-25T11:00:00.000Z", to: "2026-11-25T12:00:00.000Z" };
      const before = timestream.queries.length;

      const [valid] = await callApi([
        { method: "GET", path: "/devices/oven-3/telemetry", query: { metric: "temperature", ...range } },
      ]);

      expect(valid?.statusCode).toBe(200);
      expect(valid?.body).toEqual({
        thingName: "oven-3",
        metric: "temperature",
        ...range,
        points: [
          { time: "2026-11-25T11:58:00.000Z", value: 250 },
          { time: "2026-11-25T11:59:00.500Z", value: 262.4 },
        ],
        truncated: false,
      });
      const sent = timestream.queries.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.queryString).toContain(
        `FROM "${TIMESTREAM.database}"."${TIMESTREAM.table}" WHERE "device" = 'oven-3'`,
      );
      const afterValid = timestream.operations.length;

      const [hostile] = await callApi([
        {
          method: "GET",
          path: "/devices/oven-3/telemetry",
          query: { metric: "temperature' OR 1=1", ...range },
        },
      ]);

      expect(hostile?.statusCode).toBe(400);
      expect(hostile?.body).toEqual({
        error: {
          code: "invalid_request",
          message: expect.any(String),
          details: [{ path: "query.metric", message: expect.any(String) }],
          requestId: hostile?.requestId,
        },
      });
      // No request of any kind: neither a query nor endpoint discovery.
      expect(timestream.operations).toHaveLength(afterValid);
    });

    it("answers an unknown route with 404 route_not_found", async () => {
      const [answer] = await callApi([{ method: "GET", path: "/widgets" }]);

      expect(answer).toMatchObject({
        statusCode: 404,
        headers: { "content-type": "application/json" },
        body: {
          error: {
            code: "route_not_found",
            message: "no route for GET /widgets",
            requestId: answer?.requestId,
          },
        },
      });
    });
  });

  describe("notify", () => {
    const notifyEnv = (): Record<string, string> => ({
      ...templateEnvironment(notify),
      PAGE_TOPIC_ARN: PAGE_TOPIC,
      NOTIFY_TOPIC_ARN: NOTIFY_TOPIC,
      EVENT_BUS_NAME: BUS,
      SILENCES_TABLE: tables.silencesTableName,
      REGISTRY_TABLE: dynamo.tableName,
      ...AWS_RUNTIME,
      AWS_LAMBDA_FUNCTION_NAME: "plantwatch-test-notify",
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    });
    const deliver = async (detail: AlarmEventDetail) => {
      const [published, events] = [sns.published().length, eventBridge.events().length];
      const run = await runBundle(notify, [{ event: eventBridgeEvent(detail) }], notifyEnv());
      const notifications = eventBridge
        .events()
        .slice(events)
        .filter((event) => event.detailType === "Alarm Notification");
      return { run, messages: sns.published().slice(published), notifications };
    };

    beforeAll(async () => {
      // Everything at plant-9 is in maintenance: matched by site, which the event below does not carry.
      await new DynamoDbSilenceStore({ tableName: tables.silencesTableName, client: dynamo.client }).put({
        id: "plant-9-maintenance",
        match: { site: "plant-9" },
        startsAt: NOW - 3_600_000,
        endsAt: NOW + 3_600_000,
        createdBy: ANA,
        createdAt: NOW - 3_600_000,
      });
    });

    it("pages for a critical ACTIVE event and puts the webhook notification on the bus", async () => {
      const detail = ALARM_EVENTS["threshold-raised"]();

      const { run, messages, notifications } = await deliver(detail);

      expect(run.results).toEqual([
        { ok: expect.objectContaining({ status: "notified", topic: "sent", webhooks: "sent" }) },
      ]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ topicArn: PAGE_TOPIC, messageStructure: "json" });
      expect(messages[0]?.subject).toMatch(/^\[CRITICAL\] oven-3 ACTIVE/);
      const texts = JSON.parse(messages[0]?.message ?? "{}") as Record<string, string>;
      expect(texts.default).toEqual(expect.any(String));
      expect(texts.email).toContain("plantwatch alarms ack oven-overheat:oven-3");
      expect(notifications).toHaveLength(1);
      const notification = notifications[0];
      expect(notification).toMatchObject({ eventBusName: BUS, source: "plantwatch" });
      const notificationDetail = notification?.detail as AlarmNotificationDetail;
      expect(notificationDetail).toMatchObject({
        version: "1",
        alarmId: "oven-overheat:oven-3",
        kind: "transition",
        severity: "critical",
        channel: "page",
        state: "ACTIVE",
        thingName: "oven-3",
        site: "plant-1",
        line: "line-2",
      });
      expect(Object.keys(notificationDetail.payloads).sort()).toEqual([
        "json",
        "pagerduty",
        "slack",
        "teams",
      ]);
      for (const payload of Object.values(notificationDetail.payloads)) {
        expect(payload).toEqual(expect.any(Object));
      }
    });

    it("sends a minor event to the notify topic", async () => {
      const detail = ALARM_EVENTS["unicode-raised"]();

      const { run, messages, notifications } = await deliver(detail);

      expect(run.results).toEqual([
        { ok: expect.objectContaining({ status: "notified", channel: "notify" }) },
      ]);
      expect(messages.map((message) => message.topicArn)).toEqual([NOTIFY_TOPIC]);
      expect(messages[0]?.subject).toMatch(/^\[MINOR\] /);
      expect(notifications.map((event) => (event.detail as AlarmNotificationDetail).severity)).toEqual([
        "minor",
      ]);
    });

    it("publishes nothing for a thing an active silence in the table covers", async () => {
      const raised = ALARM_EVENTS["threshold-raised"]();
      const detail: AlarmEventDetail = {
        ...raised,
        alarmId: "oven-overheat:mixer-1",
        device: { thingName: "mixer-1" },
      };

      const { run, messages, notifications } = await deliver(detail);

      expect(run.results).toEqual([
        { ok: expect.objectContaining({ status: "silenced", silenceId: "plant-9-maintenance" }) },
      ]);
      expect(messages).toEqual([]);
      expect(notifications).toEqual([]);
    });

    it("publishes an Alarm Reminder", async () => {
      const detail = ALARM_EVENTS["repeat-reminder"]();

      const { run, messages, notifications } = await deliver(detail);

      expect(run.results).toEqual([
        { ok: expect.objectContaining({ status: "notified", kind: "repeat", topic: "sent" }) },
      ]);
      expect(messages.map((message) => [message.topicArn, message.attributes.kind?.value])).toEqual([
        [PAGE_TOPIC, "repeat"],
      ]);
      expect(notifications.map((event) => (event.detail as AlarmNotificationDetail).kind)).toEqual([
        "repeat",
      ]);
    });
  });
});
