import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbRuleRepository } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { createAlarmTables, historyOf, scanAll } from "../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { createRulesTable } from "../support/dynaliteTables.ts";
import { type FakeEventBridge, startFakeEventBridge } from "../support/fakeEventBridge.ts";
import { runBundle } from "../support/runBundle.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../support/synthesizedFunction.ts";

const NOW = Date.now();
const BUS = "plantwatch-test";

function telemetryEvent(thingName: string, secondsAgo: number, metrics: Record<string, number>) {
  const payload = JSON.stringify({ ts: NOW - secondsAgo * 1000, metrics });
  return {
    payload: Buffer.from(payload).toString("base64"),
    thingName,
    receivedAt: NOW - secondsAgo * 1000,
    clientId: thingName,
  };
}

/** What IoT Core publishes on `$aws/events/presence/disconnected/{clientId}`, as the lifecycle rule passes it. */
function disconnectedEvent(thingName: string, secondsAgo: number) {
  return {
    clientId: thingName,
    timestamp: NOW - secondsAgo * 1000,
    eventType: "disconnected",
    clientInitiatedDisconnect: false,
    sessionIdentifier: "00000000-0000-0000-0000-000000000000",
    principalIdentifier: "12345678901234567890123456789012",
    disconnectReason: "MQTT_KEEP_ALIVE_TIMEOUT",
    versionNumber: 3,
  };
}

/**
 * The deployable alarm functions: the evaluate and sweep bundles from `cdk.out`, run in child Node
 * processes with the template's environment, against dynalite and a fake EventBridge endpoint.
 */
describe("alarm function bundles", () => {
  let evaluate: SynthesizedFunction;
  let sweep: SynthesizedFunction;
  let dynamo: LocalDynamo;
  let eventBridge: FakeEventBridge;
  let tables: { alarmsTableName: string; historyTableName: string; rulesTableName: string };
  const envFor = (bundle: SynthesizedFunction): Record<string, string> => ({
    ...(Object.fromEntries(
      Object.entries(bundle.environment).filter(([, value]) => typeof value === "string"),
    ) as Record<string, string>),
    ALARMS_TABLE: tables.alarmsTableName,
    HISTORY_TABLE: tables.historyTableName,
    RULES_TABLE: tables.rulesTableName,
    REGISTRY_TABLE: dynamo.tableName,
    EVENT_BUS_NAME: BUS,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_LAMBDA_FUNCTION_NAME: `plantwatch-test-${bundle.environment.POWERTOOLS_SERVICE_NAME}`,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
  });

  beforeAll(async () => {
    evaluate = synthesizeFunction("evaluate");
    sweep = synthesizeFunction("sweep");
    [dynamo, eventBridge] = await Promise.all([startDynalite(), startFakeEventBridge()]);
    tables = {
      ...(await createAlarmTables(dynamo.client, "plantwatch-test")),
      rulesTableName: await createRulesTable(dynamo, "plantwatch-test-rules"),
    };
    await dynamo.client.send(
      new (await import("@aws-sdk/lib-dynamodb")).PutCommand({
        TableName: dynamo.tableName,
        Item: { thingName: "oven-3", site: "plant-1", line: "line-2", attributes: { maxTemp: 250 } },
      }),
    );
    await new DynamoDbRuleRepository({ tableName: tables.rulesTableName, client: dynamo.client }).apply({
      put: [
        {
          id: "oven-overheat",
          name: "Oven temperature too high",
          severity: "critical",
          match: { things: ["oven-*"] },
          kind: "threshold",
          metric: "temperature",
          condition: { op: ">", value: { attribute: "maxTemp", default: 300 } },
          clear: { op: "<", value: 240 },
        },
        {
          id: "oven-offline",
          name: "Oven offline",
          severity: "major",
          match: { things: ["oven-*"] },
          kind: "offline",
          grace: "30s",
        },
      ],
      delete: [],
    });
  });

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), eventBridge?.stop()]);
  });

  it("raises and clears an alarm from telemetry rule events, once each, despite a redelivery", async () => {
    const hot = telemetryEvent("oven-3", 50, { temperature: 262.4 });

    const run = await runBundle(
      evaluate,
      [
        { event: telemetryEvent("oven-3", 60, { temperature: 200 }) },
        { event: hot },
        { event: hot },
        { event: telemetryEvent("oven-3", 40, { temperature: 245 }) },
        { event: telemetryEvent("oven-3", 30, { temperature: 239 }) },
      ],
      envFor(evaluate),
    );

    expect(
      run.results.map((result) =>
        "ok" in result ? (result.ok as { transitions: number }).transitions : result,
      ),
    ).toEqual([0, 1, 0, 0, 1]);
    const events = eventBridge.events();
    expect(events.map((event) => [event.eventBusName, event.source, event.detailType])).toEqual([
      [BUS, "plantwatch", "Alarm State Change"],
      [BUS, "plantwatch", "Alarm State Change"],
    ]);
    expect(events[0]?.detail).toEqual({
      version: "1",
      alarmId: "oven-overheat:oven-3",
      rule: {
        id: "oven-overheat",
        name: "Oven temperature too high",
        severity: "critical",
        kind: "threshold",
      },
      device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
      state: {
        value: "ACTIVE",
        previous: "NORMAL",
        reason: "temperature 262.4 > 250",
        timestamp: new Date(NOW - 50_000).toISOString(),
      },
      trigger: { metric: "temperature", value: 262.4, sampleTime: new Date(NOW - 50_000).toISOString() },
    });
    expect(events[1]?.detail).toMatchObject({
      state: { value: "NORMAL", previous: "ACTIVE", reason: "temperature 239 < 240" },
    });
    const history = await historyOf(dynamo.client, tables.historyTableName, "oven-overheat:oven-3");
    expect(history.map((item) => [item.kind, item.to])).toEqual([
      ["transition", "ACTIVE"],
      ["transition", "NORMAL"],
    ]);
  });

  it("raises the offline alarm for a lifecycle disconnect that is already older than the grace period", async () => {
    const run = await runBundle(evaluate, [{ event: disconnectedEvent("oven-3", 45) }], envFor(evaluate));

    expect(run.results).toEqual([{ ok: expect.objectContaining({ things: 1, transitions: 1 }) }]);
    expect(eventBridge.events().at(-1)?.detail).toMatchObject({
      alarmId: "oven-offline:oven-3",
      rule: { kind: "offline", severity: "major" },
      state: {
        value: "ACTIVE",
        previous: "NORMAL",
        reason: expect.stringMatching(/^disconnected for \d+s$/),
      },
    });
  });

  it("lets the sweep raise the offline alarm of a thing that stayed disconnected past the grace period", async () => {
    // As the evaluate function leaves a thing after a disconnect within the grace period.
    await dynamo.client.send(
      new (await import("@aws-sdk/lib-dynamodb")).PutCommand({
        TableName: tables.alarmsTableName,
        Item: {
          thingName: "oven-4",
          version: 1,
          connectivity: { connected: false, since: NOW - 45_000 },
          alarms: {},
        },
      }),
    );

    const run = await runBundle(
      sweep,
      [{ event: { source: "aws.scheduler" }, remainingMs: 60_000 }],
      envFor(sweep),
    );

    expect(run.results).toEqual([{ ok: expect.objectContaining({ transitions: 1 }) }]);
    expect(eventBridge.events().at(-1)?.detail).toMatchObject({
      alarmId: "oven-offline:oven-4",
      device: { thingName: "oven-4" },
      state: { value: "ACTIVE", previous: "NORMAL" },
    });
    const docs = await scanAll(dynamo.client, tables.alarmsTableName);
    expect(docs.find((doc) => doc.thingName === "oven-4")).toMatchObject({ outbox: {}, historyOutbox: {} });
  });
});
