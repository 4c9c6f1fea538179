import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestOperatorApi, type TestOperatorApi } from "../../../support/operatorApi.ts";
import { scenarioPoints, T0 } from "../../../support/seriesFactsScenario.ts";
import { call } from "../support.ts";

const M = 60_000;
const range = `from=${T0}&to=${T0 + 20 * M}`;

describe("operator API: KPIs", () => {
  let api: TestOperatorApi;

  beforeAll(async () => {
    api = await startTestOperatorApi({ now: T0 + 19 * M });
    await api.putDevice({
      thingName: "press-7",
      site: "plant-a",
      line: "line-1",
      attributes: { idealCycleSeconds: 6 },
    });
    await api.putDevice({ thingName: "press-8", site: "plant-a", line: "line-1" });
    await api.putDevice({ thingName: "press-9", site: "plant-a", line: "line-2" });
    await api.kpiSeries.write(scenarioPoints(), { deadline: Number.POSITIVE_INFINITY });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("computes a device's KPIs from the store's segments and counters", async () => {
    const { status, body } = await call(api.url, "GET", `/kpis?device=press-7&${range}&bucket=hour`);

    expect(status).toBe(200);
    // Known: run 0–2 and 15–16 min (3 min), stopped 2–4 and 16–19 (5 min, 2 stops); 16 parts at 6 s.
    expect(body.selection.total).toMatchObject({
      availability: { value: 3 / 8 },
      performance: { value: (16 * 6) / 180 },
      quality: { value: null, reason: "no_good_counter" },
      oee: { value: null, reason: "factor_not_available" },
      mtbfMs: { value: 90_000 },
      mttrMs: { value: 150_000 },
      facts: { plannedMs: 20 * M, runMs: 3 * M, stopMs: 5 * M, unknownMs: 12 * M, stops: 2, partsTotal: 16 },
    });
    expect(body).toMatchObject({ bucket: "hour", timeZone: "UTC", shifts: ["06:00", "14:00", "22:00"] });
    expect(body.selection.buckets).toHaveLength(1);
    expect(body.devices.map((d: { thingName: string }) => d.thingName)).toEqual(["press-7"]);
  });

  it("sums a line's devices before dividing, and a device without a counter leaves the line's performance unavailable", async () => {
    const { body } = await call(api.url, "GET", `/kpis?line=line-1&${range}`);

    expect(body.lines).toHaveLength(1);
    expect(body.lines[0]).toMatchObject({
      site: "plant-a",
      line: "line-1",
      devices: 2,
      total: {
        availability: { value: 3 / 8 },
        performance: { value: null, reason: "no_parts_counter" },
        facts: { unknownMs: 32 * M },
      },
    });
    expect(body.devices.map((d: { thingName: string }) => d.thingName)).toEqual(["press-7", "press-8"]);
  });

  it("pages the devices while the selection and lines cover them all", async () => {
    const first = await call(api.url, "GET", `/kpis?site=plant-a&${range}&limit=2`);
    expect(first.body.devices).toHaveLength(2);
    expect(first.body.selection.devices).toBe(3);
    expect(first.body.lines).toHaveLength(2);
    const second = await call(api.url, "GET", `/kpis?site=plant-a&${range}&limit=2&next=${first.body.next}`);
    expect(second.body.devices.map((d: { thingName: string }) => d.thingName)).toEqual(["press-9"]);
    expect(second.body.next).toBeUndefined();
  });

  it("pages through names of mixed case without losing one", async () => {
    await api.putDevice({ thingName: "a-1", site: "plant-b" });
    await api.putDevice({ thingName: "B-1", site: "plant-b" });
    const names: string[] = [];
    let next: string | undefined;
    do {
      const { body } = await call(
        api.url,
        "GET",
        `/kpis?site=plant-b&${range}&limit=1${next === undefined ? "" : `&next=${next}`}`,
      );
      names.push(...body.devices.map((d: { thingName: string }) => d.thingName));
      next = body.next;
    } while (next !== undefined);

    expect(names).toEqual(["B-1", "a-1"]);
  });

  it("refuses a bad bucket, a range over 31 days and unknown parameters, each with its path", async () => {
    const { status, body } = await call(
      api.url,
      "GET",
      `/kpis?bucket=week&from=${T0 - 32 * 86_400_000}&to=${T0}&colour=red`,
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      "query.bucket",
      "query.colour",
      "query.from",
    ]);
  });

  it("answers 404 for a device that is not registered", async () => {
    const { status, body } = await call(api.url, "GET", `/kpis?device=ghost-1&${range}`);
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
  });
});

describe("operator API: alarm KPIs", () => {
  let api: TestOperatorApi;

  beforeAll(async () => {
    api = await startTestOperatorApi({ now: T0 });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("measures MTTA and MTTR from the alarm history, by rule and severity", async () => {
    const alarmId = await api.seedActiveAlarm();
    api.clock.advance(2 * M);
    expect((await call(api.url, "POST", `/alarms/${alarmId}/ack`, {})).status).toBe(200);
    api.clock.advance(3 * M);
    await api.sendTelemetry("oven-3", { temperature: 200 });

    const { body } = await call(api.url, "GET", `/kpis?device=oven-3&from=${T0 - 60 * M}&to=${T0 + 60 * M}`);

    expect(body.selection.total).toMatchObject({
      mttaMs: { value: 2 * M },
      alarmMttrMs: { value: 5 * M },
      facts: {
        alarms: {
          raised: 1,
          bySeverity: { critical: 1 },
          inAlarmMs: 5 * M,
          byRule: [{ ruleId: "oven-overheat", severity: "critical", raised: 1, inAlarmMs: 5 * M }],
        },
      },
    });
  });
});
