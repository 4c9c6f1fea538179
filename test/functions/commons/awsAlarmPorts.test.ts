import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsAlarmEnginePorts } from "../../../functions/commons/awsAlarmPorts.ts";
import { createAlarmTables } from "../../support/alarmTables.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { createRulesTable } from "../../support/dynaliteTables.ts";

/** The environment the stack gives the alarm functions, on the local tables. */
function environment(dynamo: LocalDynamo, alarms: { alarmsTableName: string; historyTableName: string }) {
  return {
    ALARMS_TABLE: alarms.alarmsTableName,
    HISTORY_TABLE: alarms.historyTableName,
    RULES_TABLE: "ports-rules",
    REGISTRY_TABLE: dynamo.tableName,
    EVENT_BUS_NAME: "plantwatch",
    HISTORY_RETENTION_MS: 86_400_000,
    RULES_REFRESH_MS: 60_000,
    REGISTRY_CACHE_TTL_MS: 60_000,
  };
}

describe("awsAlarmEnginePorts", () => {
  let dynamo: LocalDynamo;
  let env: ReturnType<typeof environment>;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await createRulesTable(dynamo, "ports-rules");
    env = environment(dynamo, await createAlarmTables(dynamo.client, "ports"));
  });
  afterAll(() => dynamo.stop());

  it("sends every DynamoDB request of the engine's adapters through the one client it is given", async () => {
    const sent: string[] = [];
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize", name: "countRequestsOfTheSharedClient" },
    );
    const ports = awsAlarmEnginePorts(env, dynamo.client);

    await ports.store.load("oven-1");
    await ports.rules.reader.version();
    await ports.registry.get("oven-1");

    // The alarm item, the ruleset version, the registry's revision and the device.
    expect(sent).toEqual(["GetItemCommand", "GetItemCommand", "GetItemCommand", "GetItemCommand"]);
  });
});
