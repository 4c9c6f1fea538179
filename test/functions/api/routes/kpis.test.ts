import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorApi } from "../../../../functions/api/app.ts";
import { API_LIMITS } from "../../../../shared/contracts/operatorApi.ts";
import type { SeriesFacts } from "../../../../shared/ports/seriesFacts.ts";
import { apiEvent, startTestOperatorApi, type TestOperatorApi } from "../../../support/operatorApi.ts";
import { scenarioPoints, T0 } from "../../../support/seriesFactsScenario.ts";
import { call, lambdaContext } from "../support.ts";

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

describe("operator API: KPI bounds and store failures", () => {
  let api: TestOperatorApi;
  /** Every facts call the route made, by thing; a device named here fails with `failure`. */
  const asked: string[] = [];

  beforeAll(async () => {
    api = await startTestOperatorApi({ now: T0 + 19 * M });
    await api.kpiSeries.write(scenarioPoints(), { deadline: Number.POSITIVE_INFINITY });
    for (const thingName of ["press-7", "press-8", "press-9"]) {
      await api.putDevice({ thingName, site: "plant-a", line: "line-1" });
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The same API with its KPI store wrapped: records each call, and `failFor`'s calls throw `failure`. */
  function apiWithFacts(failFor?: string, failure?: Error, takesMs = 0) {
    asked.length = 0;
    const inner = api.deps.kpis.series;
    const facts: SeriesFacts = {
      runSegments: async (request) => {
        asked.push(request.thingName);
        api.clock.advance(takesMs);
        if (request.thingName === failFor) throw failure;
        return inner.runSegments(request);
      },
      counterIncreases: async (request) => {
        asked.push(request.thingName);
        if (request.thingName === failFor) throw failure;
        return inner.counterIncreases(request);
      },
    };
    return createOperatorApi({ ...api.deps, kpis: { ...api.deps.kpis, series: facts } });
  }

  const kpis = (handler: ReturnType<typeof createOperatorApi>, query: Record<string, string>) =>
    handler(
      apiEvent("GET", "/kpis", { query: { from: String(T0), to: String(T0 + 20 * M), ...query } }),
      lambdaContext(),
    );

  it(`refuses a selection of more than ${API_LIMITS.maxKpiDevices} devices before asking the store, naming the parameter to narrow`, async () => {
    await Promise.all(
      Array.from({ length: API_LIMITS.maxKpiDevices + 1 }, (_, index) =>
        api.putDevice({ thingName: `cell-${index}`, site: "plant-crowded", line: "line-1" }),
      ),
    );
    const handler = apiWithFacts();

    for (const [query, path] of [
      [{ site: "plant-crowded" }, "query.site"],
      [{ line: "line-1", site: "plant-crowded" }, "query.line"],
    ] as const) {
      const result = await kpis(handler, query);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(result.body ?? "{}").error).toMatchObject({
        code: "invalid_request",
        details: [
          {
            path,
            message: `selects ${API_LIMITS.maxKpiDevices + 1} devices; at most ${API_LIMITS.maxKpiDevices} (choose a site or line)`,
          },
        ],
      });
    }
    expect(asked).toEqual([]);
  });

  it(`refuses more than ${API_LIMITS.maxKpiBucketRows.toLocaleString("en")} bucket rows before asking the store, and answers the same selection by day`, async () => {
    // 27 lines and the selection, 744 hours each in 31 days: 20,832 rows.
    await Promise.all(
      Array.from({ length: 27 }, (_, index) =>
        api.putDevice({ thingName: `mixer-${index}`, site: "plant-wide", line: `line-${index}` }),
      ),
    );
    const handler = apiWithFacts();
    const month = { site: "plant-wide", from: String(T0 - 31 * 86_400_000), to: String(T0) };

    const hourly = await kpis(handler, { ...month, bucket: "hour" });
    expect(hourly.statusCode).toBe(400);
    expect(JSON.parse(hourly.body ?? "{}").error.details).toEqual([
      {
        path: "query.bucket",
        message: `makes 744 buckets for each of 28 groups; at most ${API_LIMITS.maxKpiBucketRows} in all (a shorter range or a longer bucket)`,
      },
    ]);
    expect(asked).toEqual([]);

    const daily = await kpis(handler, { ...month, bucket: "day" });
    expect(daily.statusCode).toBe(200);
    expect(JSON.parse(daily.body ?? "{}").lines).toHaveLength(27);
  });

  it("answers 503 and no partial figures when the store is throttled on one device of many", async () => {
    const throttled = Object.assign(new Error("Too many requests"), { name: "ThrottlingException" });
    const handler = apiWithFacts("press-8", throttled);

    const result = await kpis(handler, { site: "plant-a" });

    expect(asked).toContain("press-8");
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? "{}")).toEqual({
      error: { code: "unavailable", message: expect.any(String), requestId: "req-1" },
    });
  });

  it("answers 500 with only the request id when the store fails otherwise, and the same request succeeds on a sound store", async () => {
    const broken = new Error("unexpected answer from the series store: column 'value' missing");
    const result = await kpis(apiWithFacts("press-9", broken), { site: "plant-a" });

    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain("column");
    expect(JSON.parse(result.body ?? "{}").error).toMatchObject({ code: "internal", requestId: "req-1" });

    const sound = await kpis(apiWithFacts(), { site: "plant-a" });
    expect(sound.statusCode).toBe(200);
    expect(JSON.parse(sound.body ?? "{}").selection.devices).toBe(3);
  });

  // Last in this block: it moves the API's clock.
  it("stops before the invocation's deadline when the store is slow, with 503 and how far it got, not a late or partial answer", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        api.putDevice({ thingName: `slow-${String(index).padStart(2, "0")}`, site: "plant-slow" }),
      ),
    );
    // 10 s left in the invocation (lambdaContext), 2 s kept for the answer: 8 s; each device takes 1 s.
    const result = await kpis(apiWithFacts(undefined, undefined, 1_000), { site: "plant-slow" });

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? "{}").error).toMatchObject({
      code: "unavailable",
      details: [
        {
          path: "query.site",
          message:
            "8 of 20 devices were computed in the time an answer may take (the series store is slow or busy); choose a line or a device, or try again",
        },
      ],
    });
    // The first batch of 8 ran; none after the deadline was started.
    expect(new Set(asked).size).toBe(8);
  });
});
