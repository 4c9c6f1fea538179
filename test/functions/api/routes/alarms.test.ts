import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OVEN_OVERHEAT_RULE, TEST_PRINCIPAL, type TestOperatorApi } from "../../../support/operatorApi.ts";
import { call, startFleetApi } from "../support.ts";

describe("operator API: alarms", () => {
  let api: TestOperatorApi;
  let alarmId: string;

  beforeAll(async () => {
    ({ api, alarmId } = await startFleetApi());
  });
  afterAll(async () => {
    await api?.close();
  });

  it("lists alarm instances joined with their rule and device", async () => {
    const { status, body } = await call(api.url, "GET", "/alarms?state=active");

    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        {
          alarmId: "oven-overheat:oven-3",
          thingName: "oven-3",
          rule: {
            id: "oven-overheat",
            name: "Oven temperature too high",
            severity: "critical",
            kind: "threshold",
          },
          device: { site: "plant-1", line: "line-2" },
          state: "ACTIVE",
          since: "2026-11-25T12:00:00.000Z",
          activeSince: "2026-11-25T12:00:00.000Z",
        },
      ],
    });
  });

  it("filters alarms by state, severity, thing, site and line", async () => {
    const all = await call(api.url, "GET", "/alarms");
    const normal = await call(api.url, "GET", "/alarms?state=NORMAL");
    const minor = await call(api.url, "GET", "/alarms?severity=minor,info");
    const line3 = await call(api.url, "GET", "/alarms?site=plant-1&line=line-3");
    const glob = await call(api.url, "GET", "/alarms?thing=oven-%3F");

    const ids = (answer: { body: { items: { alarmId: string }[] } }) =>
      answer.body.items.map((item) => item.alarmId);
    expect(ids(all)).toEqual(["oven-overheat:oven-3", "oven-overheat:oven-4"]);
    expect(ids(normal)).toEqual(["oven-overheat:oven-4"]);
    expect(ids(minor)).toEqual([]);
    expect(ids(line3)).toEqual(["oven-overheat:oven-4"]);
    expect(ids(glob)).toEqual(["oven-overheat:oven-3", "oven-overheat:oven-4"]);
  });

  it("shows one alarm, and 404 for an alarm that does not exist", async () => {
    const found = await call(api.url, "GET", `/alarms/${alarmId}`);
    const missing = await call(api.url, "GET", "/alarms/oven-overheat:press-1");

    expect(found.body).toMatchObject({ alarmId, state: "ACTIVE" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("acknowledges through the alarm engine: C5 event published, history recorded, caller as actor", async () => {
    await api.sendTelemetry("oven-5", { temperature: 300 });
    const published = api.events.length;

    const { status, body } = await call(api.url, "POST", "/alarms/oven-overheat:oven-5/ack", {
      note: "checking burner",
    });

    expect(status).toBe(200);
    expect(body.alarm).toMatchObject({ alarmId: "oven-overheat:oven-5", state: "ACKNOWLEDGED" });
    expect(body.event).toMatchObject({
      version: "1",
      alarmId: "oven-overheat:oven-5",
      state: { value: "ACKNOWLEDGED", previous: "ACTIVE" },
      actor: { id: TEST_PRINCIPAL, note: "checking burner" },
    });
    expect(api.events.slice(published)).toEqual([body.event]);
    const history = await call(api.url, "GET", "/alarms/oven-overheat:oven-5/history");
    expect(history.body.items.at(-1)).toMatchObject({
      kind: "transition",
      from: "ACTIVE",
      to: "ACKNOWLEDGED",
      action: "ACKNOWLEDGE",
      actor: { id: TEST_PRINCIPAL, note: "checking burner" },
    });
  });

  it("refuses a second acknowledge with 409 action_not_allowed and publishes nothing", async () => {
    await api.sendTelemetry("oven-6", { temperature: 300 });
    await call(api.url, "POST", "/alarms/oven-overheat:oven-6/acknowledge");
    const published = api.events.length;

    const { status, body } = await call(api.url, "POST", "/alarms/oven-overheat:oven-6/ack");

    expect(status).toBe(409);
    expect(body.error).toMatchObject({ code: "action_not_allowed" });
    expect(body.error.message).toContain("ACKNOWLEDGED");
    expect(api.events.length).toBe(published);
  });

  it("snoozes for the given duration, which it requires", async () => {
    await api.sendTelemetry("oven-7", { temperature: 300 });

    const missing = await call(api.url, "POST", "/alarms/oven-overheat:oven-7/snooze", {});
    const snoozed = await call(api.url, "POST", "/alarms/oven-overheat:oven-7/snooze", { duration: "30m" });

    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      { path: "body.duration", message: expect.stringContaining("required") },
    ]);
    expect(snoozed.body.alarm).toMatchObject({ state: "SNOOZED", snoozedUntil: "2026-11-25T12:30:00.000Z" });
  });

  it("answers 404 for an action on an alarm whose rule does not match the thing", async () => {
    const { status, body } = await call(api.url, "POST", "/alarms/oven-overheat:press-1/disable");

    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
  });

  it("pages an alarm's history in time order", async () => {
    await api.sendTelemetry("oven-8", { temperature: 300 });
    await call(api.url, "POST", "/alarms/oven-overheat:oven-8/disable");
    await call(api.url, "POST", "/alarms/oven-overheat:oven-8/enable");

    const first = await call(api.url, "GET", "/alarms/oven-overheat:oven-8/history?limit=2");
    const second = await call(
      api.url,
      "GET",
      `/alarms/oven-overheat:oven-8/history?limit=2&next=${first.body.next}`,
    );

    expect(first.body.items.map((entry: { to: string }) => entry.to)).toEqual(["ACTIVE", "DISABLED"]);
    expect(second.body.items.map((entry: { to: string }) => entry.to)).toEqual(["NORMAL"]);
    expect(second.body.next).toBeUndefined();
  });

  it("lists the sweep's reminders in the history, after the transition they remind of", async () => {
    await api.applyRules([{ ...OVEN_OVERHEAT_RULE, id: "oven-reminded", notify: { repeat: "10m" } }]);
    await api.sendTelemetry("oven-7", { temperature: 300 });
    api.clock.advance(10 * 60_000);
    await api.engine.sweep(api.deps.alarms.scan(), {
      deadline: Number.MAX_SAFE_INTEGER,
      staleAfterMs: 60_000,
    });

    const { body } = await call(api.url, "GET", "/alarms/oven-reminded:oven-7/history");

    expect(body.items.map((entry: { kind: string }) => entry.kind)).toEqual(["transition", "reminder"]);
    expect(body.items[1]).toEqual({
      kind: "reminder",
      at: new Date(api.clock.now()).toISOString(),
      reminder: "repeat",
      number: 1,
      severity: OVEN_OVERHEAT_RULE.severity,
    });
  });

  it("refuses a history cursor issued for another alarm", async () => {
    await api.sendTelemetry("oven-9", { temperature: 300 });
    await call(api.url, "POST", "/alarms/oven-overheat:oven-9/reset");
    const page = await call(api.url, "GET", "/alarms/oven-overheat:oven-9/history?limit=1");

    const { status, body } = await call(api.url, "GET", `/alarms/${alarmId}/history?next=${page.body.next}`);

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "query.next", message: expect.stringContaining("cursor") }]);
  });

  it("answers 404 for the history of an alarm that never existed", async () => {
    const { status } = await call(api.url, "GET", "/alarms/oven-overheat:oven-404/history");

    expect(status).toBe(404);
  });
});
