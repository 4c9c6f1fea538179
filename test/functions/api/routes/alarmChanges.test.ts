import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeCursor } from "../../../../functions/api/protocol/cursor.ts";
import { API_LIMITS } from "../../../../shared/contracts/operatorApi.ts";
import {
  OPERATOR_API_T0,
  OVEN_OVERHEAT_RULE,
  startTestOperatorApi,
  type TestOperatorApi,
} from "../../../support/operatorApi.ts";
import { type Answer, call } from "../support.ts";

describe("operator API: GET /alarms/changes", () => {
  let api: TestOperatorApi;

  beforeEach(async () => {
    api = await startTestOperatorApi();
    await api.applyRules([OVEN_OVERHEAT_RULE]);
    for (const thingName of ["oven-3", "oven-4", "oven-5"]) {
      await api.putDevice({ thingName, site: "plant-1", line: "line-2" });
    }
  });
  afterEach(async () => {
    await api?.close();
  });

  const changes = (since?: string, limit?: number) => {
    const query = new URLSearchParams({
      ...(since === undefined ? {} : { since }),
      ...(limit === undefined ? {} : { limit: String(limit) }),
    });
    return call(api.url, "GET", `/alarms/changes?${query}`);
  };
  const states = (answer: Answer) =>
    (answer.body.items as { alarmId: string; state: string }[]).map(
      (view) => `${view.alarmId} ${view.state}`,
    );

  it("starts with a cursor and no items, then returns the alarms changed after it, each as its current view", async () => {
    const start = await changes();
    api.clock.advance(10_000);
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    api.clock.advance(1_000);

    const raised = await changes(start.body.cursor);

    expect(start).toMatchObject({ status: 200, body: { items: [] } });
    expect(typeof start.body.cursor).toBe("string");
    expect(raised.status).toBe(200);
    expect(raised.body.more).toBeUndefined();
    expect(raised.body.items).toEqual([(await call(api.url, "GET", "/alarms/oven-overheat:oven-3")).body]);
    expect(raised.body.items[0]).toMatchObject({ alarmId: "oven-overheat:oven-3", state: "ACTIVE" });
  });

  it("returns an operator action after the cursor, and nothing written before it", async () => {
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    await api.sendTelemetry("oven-4", { temperature: 262.4 });
    api.clock.advance(10_000);
    const cursor = (await changes()).body.cursor;
    api.clock.advance(10_000);
    await call(api.url, "POST", "/alarms/oven-overheat:oven-4/ack", { note: "on it" });
    api.clock.advance(10_000);

    const acknowledged = await changes(cursor);
    const quiet = await changes(acknowledged.body.cursor);

    expect(states(acknowledged)).toEqual(["oven-overheat:oven-4 ACKNOWLEDGED"]);
    expect(quiet.body).toEqual({ items: [], cursor: expect.any(String) });
  });

  it("returns each changed alarm once, at most `limit`, with a cursor that continues after them", async () => {
    const cursor = (await changes()).body.cursor;
    api.clock.advance(10_000);
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    api.clock.advance(1_000);
    await api.sendTelemetry("oven-4", { temperature: 262.4 });
    api.clock.advance(1_000);
    await api.sendTelemetry("oven-3", { temperature: 100 });
    api.clock.advance(1_000);
    await api.sendTelemetry("oven-5", { temperature: 262.4 });
    api.clock.advance(1_000);

    const first = await changes(cursor, 2);
    const second = await changes(first.body.cursor, 2);

    expect(states(first)).toEqual(["oven-overheat:oven-3 NORMAL", "oven-overheat:oven-4 ACTIVE"]);
    expect(first.body.more).toBe(true);
    expect(states(second)).toEqual(["oven-overheat:oven-5 ACTIVE"]);
    expect(second.body.more).toBeUndefined();
  });

  it("reads at most maxChangeEntriesRead feed entries per answer, and goes on in the next", async () => {
    const cursor = (await changes()).body.cursor;
    api.clock.advance(10_000);
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    // A burst of late samples on the one alarm: more feed entries than one answer reads.
    const at = api.clock.now();
    await api.deps.alarms.appendHistory(
      Array.from({ length: API_LIMITS.maxChangeEntriesRead + 10 }, (_, index) => ({
        sk: `${new Date(at).toISOString()}#late#${String(index).padStart(5, "0")}`,
        entry: {
          kind: "late" as const,
          alarmId: "oven-overheat:oven-3",
          at,
          metric: "temperature",
          value: 240,
          lastSampleTime: at,
          receivedAt: at,
        },
      })),
    );
    api.clock.advance(1_000);
    await api.sendTelemetry("oven-4", { temperature: 262.4 });
    api.clock.advance(1_000);

    const first = await changes(cursor);
    const second = await changes(first.body.cursor);

    expect(states(first)).toEqual(["oven-overheat:oven-3 ACTIVE"]);
    expect(first.body.more).toBe(true);
    expect(states(second)).toEqual(["oven-overheat:oven-3 ACTIVE", "oven-overheat:oven-4 ACTIVE"]);
    expect(second.body.more).toBeUndefined();
  });

  it("reads across midnight UTC", async () => {
    api.clock.set(Date.parse("2026-11-25T23:59:50.000Z"));
    const cursor = (await changes()).body.cursor;
    api.clock.set(Date.parse("2026-11-25T23:59:58.000Z"));
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    api.clock.set(Date.parse("2026-11-26T00:00:05.000Z"));
    await api.sendTelemetry("oven-4", { temperature: 262.4 });

    const answer = await changes(cursor);

    expect(states(answer)).toEqual(["oven-overheat:oven-3 ACTIVE", "oven-overheat:oven-4 ACTIVE"]);
  });

  it("re-reads the 5 s before its cursor was issued, so a write stamped by a clock a little behind is not missed", async () => {
    const issuedAt = OPERATOR_API_T0 + 60_000;
    api.clock.set(issuedAt);
    const cursor = (await changes()).body.cursor;
    // Writers whose clocks are 4 s and 6 s behind the API's commit after the cursor was issued.
    api.clock.set(issuedAt - 4_000);
    await api.sendTelemetry("oven-3", { temperature: 262.4 });
    api.clock.set(issuedAt - 6_000);
    await api.sendTelemetry("oven-4", { temperature: 262.4 });
    api.clock.set(issuedAt + 2_000);

    const answer = await changes(cursor);

    expect(states(answer)).toEqual(["oven-overheat:oven-3 ACTIVE"]);
  });

  it("refuses a cursor older than two days or not issued by it with invalid_request at query.since", async () => {
    const cursor = (await changes()).body.cursor;
    api.clock.advance(2 * 86_400_000 + 10_000);

    const expired = await changes(cursor);
    const foreign = await changes(encodeCursor("alarms", "oven-overheat:oven-3"));
    const garbled = await changes(encodeCursor("alarm-changes", "yesterday"));
    const tooMany = await changes(undefined, 1001);

    for (const answer of [expired, foreign, garbled]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({
        code: "invalid_request",
        details: [{ path: "query.since", message: expect.any(String) }],
      });
    }
    expect(expired.body.error.details[0].message).toContain("older than 2 days");
    expect(tooMany.body.error).toMatchObject({ code: "invalid_request", details: [{ path: "query.limit" }] });
  });
});
