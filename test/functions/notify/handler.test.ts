import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DynamoDbSilenceStore } from "../../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import type { AlarmNotificationDetail } from "../../../shared/contracts/alarmNotification.ts";
import type { AlarmEventDetail } from "../../../shared/domain/alarms/alarmEvent.ts";
import { isReminder } from "../../../shared/domain/alarms/alarmEvent.ts";
import type { NotifyOutcome } from "../../../shared/domain/notifications/alarmNotifier.ts";
import { channelFor } from "../../../shared/domain/notifications/channelFor.ts";
import { tellsOperators } from "../../../shared/domain/notifications/notificationPlan.ts";
import { subject } from "../../../shared/domain/notifications/subject.ts";
import { ALARM_EVENTS, type AlarmEventCase } from "../../shared/domain/notifications/alarmEvents.ts";
import { createSilencesTable } from "../../support/alarmTables.ts";
import { TEST_CLIENT_CONFIG } from "../../support/awsClients.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { type FakeEventBridge, startFakeEventBridge } from "../../support/fakeEventBridge.ts";
import { type FakeSns, startFakeSns } from "../../support/fakeSns.ts";

const PAGE = "arn:aws:sns:eu-west-1:123456789012:plantwatch-page";
const NOTIFY = "arn:aws:sns:eu-west-1:123456789012:plantwatch-notify";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(remainingMs = 30_000): Context {
  const started = Date.now();
  return {
    functionName: "plantwatch-test-notify",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:plantwatch-test-notify",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/test",
    logStreamName: "test",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function eventOf(detail: unknown, detailType?: string) {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type":
      detailType ?? (isReminder(detail as AlarmEventDetail) ? "Alarm Reminder" : "Alarm State Change"),
    source: "plantwatch",
    account: "123456789012",
    time: "2026-11-25T12:03:10Z",
    region: "eu-west-1",
    resources: [],
    detail,
  };
}

/**
 * The notify handler as deployed (module-level wiring from the environment), run in this process
 * against a fake SNS, a fake EventBridge and dynalite with the silences table.
 */
describe("notify handler", () => {
  let dynamo: LocalDynamo;
  let sns: FakeSns;
  let eventBridge: FakeEventBridge;
  let handler: Handler;
  let metrics: Metrics;
  let logger: Logger;

  beforeAll(async () => {
    [dynamo, sns, eventBridge] = await Promise.all([
      startDynalite(),
      startFakeSns([PAGE, NOTIFY]),
      startFakeEventBridge(),
    ]);
    const silencesTable = await createSilencesTable(dynamo.client, "notify-test");
    await new DynamoDbSilenceStore({ tableName: silencesTable, client: dynamo.client }).put({
      id: "mixer-maintenance",
      match: { things: ["mixer-*"] },
      startsAt: Date.now() - 3_600_000,
      endsAt: Date.now() + 3_600_000,
      createdBy: "arn:aws:iam::123456789012:user/ana",
      createdAt: Date.now() - 3_600_000,
    });
    const env: Record<string, string> = {
      PAGE_TOPIC_ARN: PAGE,
      NOTIFY_TOPIC_ARN: NOTIFY,
      EVENT_BUS_NAME: "plantwatch",
      SILENCES_TABLE: silencesTable,
      REGISTRY_TABLE: dynamo.tableName,
      REGISTRY_CACHE_TTL_MS: "60000",
      STACK_NAME: "plantwatch-test",
      PLANT_TIME_ZONE: "Europe/Berlin",
      CONSOLE_URL: "https://plantwatch.example.com",
      AWS_REGION: TEST_CLIENT_CONFIG.region,
      AWS_ACCESS_KEY_ID: TEST_CLIENT_CONFIG.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CLIENT_CONFIG.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      POWERTOOLS_SERVICE_NAME: "notify",
      POWERTOOLS_METRICS_NAMESPACE: "plantwatch-test",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    ({ handler } = (await import("../../../functions/notify/handler.ts")) as unknown as { handler: Handler });
    ({ metrics, logger } = await import("../../../functions/commons/powertools.ts"));
  });

  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([dynamo?.stop(), sns?.stop(), eventBridge?.stop()]);
  });

  const metricNames = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map(([name]) => name);
  const notificationsFor = (eventKey: string) =>
    eventBridge.events().filter((event) => (event.detail as AlarmNotificationDetail).eventKey === eventKey);

  it("publishes a C5 event to the page topic with the subject and attributes, and the webhook event", async () => {
    const addMetric = vi.spyOn(metrics, "addMetric");
    const detail = ALARM_EVENTS["threshold-raised"]();
    const published = sns.published().length;

    const outcome = await handler(eventOf(detail), lambdaContext());

    expect(outcome).toMatchObject({ status: "notified", topic: "sent", webhooks: "sent" });
    const [message, ...more] = sns.published().slice(published);
    expect(more).toEqual([]);
    expect(message).toMatchObject({ topicArn: PAGE, subject: subject(detail), messageStructure: "json" });
    expect(message?.attributes).toEqual({
      severity: { dataType: "String", value: "critical" },
      state: { dataType: "String", value: "ACTIVE" },
      alarmId: { dataType: "String", value: "oven-overheat:oven-3" },
      kind: { dataType: "String", value: "transition" },
    });
    const texts = JSON.parse(message?.message ?? "{}");
    expect(texts.email).toContain("npx plantwatch alarms ack oven-overheat:oven-3 --stack plantwatch-test");
    expect(texts.email).toContain("https://plantwatch.example.com/alarms/oven-overheat%3Aoven-3");
    expect(texts.sms).toMatch(/^\[CRITICAL\] oven-3 ACTIVE: /);
    const [notification] = notificationsFor("oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:09.500Z");
    expect(notification).toMatchObject({
      eventBusName: "plantwatch",
      source: "plantwatch",
      detailType: "Alarm Notification",
      detail: { kind: "transition", severity: "critical", channel: "page", state: "ACTIVE" },
    });
    expect(metricNames(addMetric)).toEqual(
      expect.arrayContaining(["NotificationsSent", "WebhookEventsSent", "NotificationRetries"]),
    );
  });

  it("sends nothing for a silenced thing, and logs the silence", async () => {
    const addMetric = vi.spyOn(metrics, "addMetric");
    const info = vi.spyOn(logger, "info");
    const raised = ALARM_EVENTS["threshold-raised"]();
    const detail = { ...raised, alarmId: "oven-overheat:mixer-1", device: { thingName: "mixer-1" } };
    const [published, events] = [sns.published().length, eventBridge.events().length];

    const outcome = await handler(eventOf(detail), lambdaContext());

    expect(outcome).toMatchObject({ status: "silenced", silenceId: "mixer-maintenance" });
    expect(sns.published()).toHaveLength(published);
    expect(eventBridge.events()).toHaveLength(events);
    expect(metricNames(addMetric)).toContain("NotificationsSilenced");
    expect(info).toHaveBeenCalledWith(
      "silenced",
      expect.objectContaining({ silenceId: "mixer-maintenance" }),
    );
  });

  it("notifies of a reminder, saying it is one", async () => {
    const detail = ALARM_EVENTS.escalated();
    const published = sns.published().length;

    const outcome = await handler(eventOf(detail), lambdaContext());

    expect(outcome).toMatchObject({ status: "notified", kind: "escalate" });
    const message = sns.published()[published];
    expect(message?.topicArn).toBe(PAGE);
    expect(message?.subject).toMatch(/^\[CRITICAL ESCALATED from major\] oven-3 ACTIVE - /);
    expect(message?.attributes.kind?.value).toBe("escalate");
  });

  it("retries SNS throttling within the invocation", async () => {
    sns.fail("throttled", { times: 2 });
    const detail = ALARM_EVENTS.latched();
    const published = sns.published().length;

    const outcome = await handler(eventOf(detail), lambdaContext());

    expect(outcome).toMatchObject({ status: "notified", topic: "sent", retries: 2 });
    expect(sns.published()).toHaveLength(published + 1);
  });

  it("throws when SNS refuses for good, after putting the webhook event", async () => {
    const addMetric = vi.spyOn(metrics, "addMetric");
    sns.fail("authorization");
    const detail = ALARM_EVENTS["offline-raised"]();
    const key = "press-offline:press-7|ACTIVE|2026-11-25T03:00:00.000Z";

    await expect(handler(eventOf(detail), lambdaContext())).rejects.toMatchObject({
      name: "NotificationFailedError",
      delivered: ["webhooks"],
    });
    expect(notificationsFor(key)).toHaveLength(1);
    expect(metricNames(addMetric)).toEqual(
      expect.arrayContaining(["NotificationsFailed", "WebhookEventsSent"]),
    );
  });

  it("counts an invalid event and returns without throwing", async () => {
    const addMetric = vi.spyOn(metrics, "addMetric");
    const published = sns.published().length;
    const outcome = await handler(
      eventOf({ version: "1", alarmId: "x" }, "Alarm State Change"),
      lambdaContext(),
    );
    expect(outcome).toMatchObject({ status: "invalid", problems: expect.stringContaining("rule:") });
    expect(metricNames(addMetric)).toContain("NotificationsInvalid");
    expect(sns.published()).toHaveLength(published);
  });

  // Some of these were delivered by the tests above: delivered again to the same container, they are
  // not sent twice (the container remembers them), so each ends up once on its topic and the bus.
  it.each(Object.keys(ALARM_EVENTS) as AlarmEventCase[])(
    "delivers the engine's %s event once, as SNS and EventBridge accept it",
    async (name) => {
      const detail = ALARM_EVENTS[name]();
      const published = sns.published().length;
      const outcome = (await handler(eventOf(detail), lambdaContext())) as NotifyOutcome;
      if (outcome.status !== "notified") throw new Error(`not notified: ${JSON.stringify(outcome)}`);

      expect(notificationsFor(outcome.eventKey)).toHaveLength(1);
      const messages = sns.published().slice(published);
      if (outcome.topic === "sent") {
        expect(messages.map((message) => message.topicArn)).toEqual([
          channelFor(detail.rule.severity) === "page" ? PAGE : NOTIFY,
        ]);
      } else {
        expect(messages).toEqual([]);
        expect(outcome.topic).toBe(tellsOperators(detail) ? "already sent" : "not needed");
      }
    },
  );
});
