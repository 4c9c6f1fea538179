import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalStack, type LocalStackReporter, startLocalStack } from "../../local/localStack.ts";
import type { AlarmNotificationDetail } from "../../shared/contracts/alarmNotification.ts";
import type { AlarmEventDetail } from "../../shared/domain/alarms/alarmEvent.ts";
import type { TopicMessage } from "../../shared/ports/notifier.ts";
import { createSilencesTable } from "../support/alarmTables.ts";
import { TEST_CLIENT_CONFIG } from "../support/awsClients.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type FakeEventBridge, startFakeEventBridge } from "../support/fakeEventBridge.ts";
import { type FakeSns, startFakeSns } from "../support/fakeSns.ts";
import { type LocalServer, startLocalServer } from "../support/localHttpServer.ts";

const run = promisify(execFile);
const PAGE = "arn:aws:sns:eu-west-1:123456789012:plantwatch-local-page";
const NOTIFY = "arn:aws:sns:eu-west-1:123456789012:plantwatch-local-notify";
/** The same deployment context on both sides: what the local stack says of itself. */
const TIME_ZONE = "Europe/Berlin";
const STACK_NAME = "plantwatch-local";
const RULE = {
  id: "oven-overheat",
  name: "Oven temperature too high",
  severity: "critical",
  match: { things: ["oven-*"] },
  kind: "threshold",
  metric: "temperature",
  condition: { op: ">", value: 250 },
  clear: { op: "<", value: 240 },
};
const WAIT = { timeout: 10_000, interval: 50 };

type Handler = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(): Context {
  return {
    functionName: "plantwatch-local-notify",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:plantwatch-local-notify",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/test",
    logStreamName: "test",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Issue #12's "done when": `plantwatch local --webhook slack=URL` posts, for an alarm raised by
 * Debian's `mosquitto_pub`, the very Slack body the notify function puts on the bus for the same
 * event (which the webhook rule sends as `$.detail.payloads.slack`), and the console gets the very
 * message the notify function publishes to SNS.
 */
describe("the local stack's notifier and the notify function", () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "plantwatch-local-notifier-")), "data");
  const slackBodies: unknown[] = [];
  const jsonBodies: unknown[] = [];
  const consoleMessages: TopicMessage[] = [];
  const problems: string[] = [];
  const alarmEvents: AlarmEventDetail[] = [];
  let receiver: LocalServer;
  let stack: LocalStack;
  let dynamo: LocalDynamo;
  let sns: FakeSns;
  let eventBridge: FakeEventBridge;
  let handler: Handler;

  beforeAll(async () => {
    receiver = await startLocalServer(({ url, body }) => {
      (url === "/x" ? slackBodies : jsonBodies).push(JSON.parse(body.toString("utf8")));
      return { status: 200 };
    });
    const report: LocalStackReporter = {
      notified: (message) => consoleMessages.push(message),
      silenced: () => {},
      quarantined: () => {},
      refused: () => {},
      device: () => {},
      problem: (message, error) => problems.push(`${message} ${(error as Error | undefined)?.message ?? ""}`),
    };
    stack = await startLocalStack({
      dataDir,
      mqttPort: 0,
      mqttsPort: 0,
      httpPort: 0,
      sweepSeconds: 0,
      demo: false,
      rulesRefreshMs: 0,
      timeZone: TIME_ZONE,
      webhooks: [
        { format: "slack", url: `${receiver.endpoint}/x` },
        // Not this rule's severities: the sink filters as the webhook rule's pattern does.
        { format: "json", url: `${receiver.endpoint}/minor-only`, severities: ["minor"] },
      ],
      report,
    });
    stack.live.subscribe((event) => {
      if (event.type === "alarm") alarmEvents.push(event.detail);
    });
    const response = await fetch(`${stack.urls.api}/rules/${RULE.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(RULE),
    });
    expect(response.status).toBeLessThan(300);

    [dynamo, sns, eventBridge] = await Promise.all([
      startDynalite(),
      startFakeSns([PAGE, NOTIFY]),
      startFakeEventBridge(),
    ]);
    const silencesTable = await createSilencesTable(dynamo.client, "local-notifier-test");
    const env: Record<string, string> = {
      PAGE_TOPIC_ARN: PAGE,
      NOTIFY_TOPIC_ARN: NOTIFY,
      EVENT_BUS_NAME: "plantwatch-local",
      SILENCES_TABLE: silencesTable,
      REGISTRY_TABLE: dynamo.tableName,
      REGISTRY_CACHE_TTL_MS: "60000",
      STACK_NAME,
      PLANT_TIME_ZONE: TIME_ZONE,
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
    ({ handler } = (await import("../../functions/notify/handler.ts")) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await stack?.close();
    await Promise.all([receiver?.stop(), dynamo?.stop(), sns?.stop(), eventBridge?.stop()]);
    rmSync(join(dataDir, ".."), { recursive: true, force: true });
  });

  it("posts to a Slack webhook what the notify function sends Slack for the same alarm event", async () => {
    await run("mosquitto_pub", [
      ...["-h", "127.0.0.1", "-p", String(stack.ports.mqtt), "-q", "1", "-i", "oven-1"],
      ...["-t", "dt/plantwatch/oven-1/telemetry"],
      ...["-m", JSON.stringify({ ts: Date.now(), metrics: { temperature: 262.4 } })],
    ]);
    await vi.waitFor(() => expect(slackBodies).toHaveLength(1), WAIT);
    await stack.idle();
    const [raised] = alarmEvents;
    expect(raised?.state).toMatchObject({ previous: "NORMAL", value: "ACTIVE" });

    const outcome = await handler(
      {
        version: "0",
        id: randomUUID(),
        "detail-type": "Alarm State Change",
        source: "plantwatch",
        account: "123456789012",
        time: `${raised?.state.timestamp.slice(0, 19)}Z`,
        region: "eu-west-1",
        resources: [],
        detail: raised,
      },
      lambdaContext(),
    );
    expect(outcome).toMatchObject({ status: "notified", channel: "page" });
    const [notification] = eventBridge.events().filter((event) => event.detailType === "Alarm Notification");
    const onAws = notification?.detail as AlarmNotificationDetail;

    expect(slackBodies[0]).toEqual(onAws.payloads.slack);
    // A Block Kit message, not an EventBridge envelope.
    expect(slackBodies[0]).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
    expect(jsonBodies).toEqual([]);

    // The console line comes from the message SNS gets: same subject, texts and attributes.
    const [published] = sns.published();
    expect(consoleMessages).toHaveLength(1);
    const [local] = consoleMessages;
    expect(published?.topicArn).toBe(PAGE);
    expect(published?.subject).toBe(local?.subject);
    expect(JSON.parse(published?.message ?? "{}")).toEqual(local?.texts);
    expect(
      Object.fromEntries(
        Object.entries(published?.attributes ?? {}).map(([name, { value }]) => [name, value]),
      ),
    ).toEqual(local?.attributes);
    expect(problems).toEqual([]);
  });
});
