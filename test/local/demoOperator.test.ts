import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeDueAlarms, DEMO_OPERATOR } from "../../local/demoOperator.ts";
import { historyOf } from "../support/alarmTables.ts";
import { OPERATOR_API_T0, startTestOperatorApi, type TestOperatorApi } from "../support/operatorApi.ts";

describe("the demo's simulated operator", () => {
  let api: TestOperatorApi;
  let alarmId: string;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    alarmId = await api.seedActiveAlarm();
  });
  afterAll(async () => {
    await api?.close();
  });

  const pass = () =>
    acknowledgeDueAlarms({
      alarms: api.deps.alarms,
      engine: api.engine,
      clock: api.clock,
      responseMs: 45_000,
    });

  it("leaves an alarm alone until it has been ACTIVE for the response time, then acknowledges it once, as itself", async () => {
    api.clock.set(OPERATOR_API_T0 + 44_999);
    expect(await pass()).toEqual([]);

    api.clock.set(OPERATOR_API_T0 + 45_000);
    expect(await pass()).toEqual([alarmId]);
    expect(await pass()).toEqual([]);

    expect((await api.deps.alarms.load("oven-3"))?.alarms["oven-overheat"]?.state).toBe("ACKNOWLEDGED");
    const actors = (await historyOf(api.dynamo.client, api.tables.history, alarmId)).flatMap((item) =>
      item.actor === undefined ? [] : [item.actor],
    );
    expect(actors).toEqual([{ id: DEMO_OPERATOR, note: "the demo's simulated operator" }]);
  });
});
