import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestOperatorApi, TEST_PRINCIPAL, type TestOperatorApi } from "../../../support/operatorApi.ts";
import { call } from "../support.ts";

describe("operator API: silences", () => {
  let api: TestOperatorApi;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
  });
  afterAll(async () => {
    await api?.close();
  });

  it("creates, lists, replaces and deletes a silence; the caller is its creator", async () => {
    const body = { match: { site: "plant-1" }, duration: "2h", comment: "burner service" };

    const created = await call(api.url, "PUT", "/silences/burner-service", body);
    const listed = await call(api.url, "GET", "/silences");
    const replaced = await call(api.url, "PUT", "/silences/burner-service", { ...body, duration: "1h" });
    const deleted = await call(api.url, "DELETE", "/silences/burner-service");
    const again = await call(api.url, "DELETE", "/silences/burner-service");

    const view = {
      id: "burner-service",
      match: { site: "plant-1" },
      startsAt: "2026-11-25T12:00:00.000Z",
      endsAt: "2026-11-25T14:00:00.000Z",
      createdBy: TEST_PRINCIPAL,
      createdAt: "2026-11-25T12:00:00.000Z",
      comment: "burner service",
      active: true,
    };
    expect(created).toMatchObject({ status: 201, body: view });
    expect(listed.body).toEqual({ items: [view] });
    expect(replaced).toMatchObject({ status: 200, body: { endsAt: "2026-11-25T13:00:00.000Z" } });
    expect(deleted.status).toBe(204);
    expect(again).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await api.deps.silences.list()).toEqual([]);
  });

  it("marks the alarms a silence keeps quiet now, and not once it has ended", async () => {
    await call(api.url, "PUT", "/silences/ovens", {
      match: { things: ["oven-*"] },
      endsAt: "2026-11-25T12:10:00Z",
    });

    const during = await call(api.url, "GET", "/alarms/oven-overheat:oven-3");
    api.clock.advance(10 * 60_000);
    const after = await call(api.url, "GET", "/alarms/oven-overheat:oven-3");
    const listed = await call(api.url, "GET", "/silences");

    expect(during.body.silencedBy).toBe("ovens");
    expect(after.body.silencedBy).toBeUndefined();
    expect(listed.body.items).toEqual([expect.objectContaining({ id: "ovens", active: false })]);
  });

  it.each([
    ["no match criterion", { match: {}, duration: "1h" }, "body.match"],
    ["neither end nor duration", { match: { site: "plant-1" } }, "body.endsAt"],
    [
      "both end and duration",
      { match: { site: "plant-1" }, duration: "1h", endsAt: "2026-11-26T00:00:00Z" },
      "body",
    ],
    [
      "an end before the start",
      { match: { site: "plant-1" }, startsAt: "2026-11-26T00:00:00Z", endsAt: "2026-11-25T23:00:00Z" },
      "body.endsAt",
    ],
    ["an end in the past", { match: { site: "plant-1" }, startsAt: 0, endsAt: 1000 }, "body.endsAt"],
    ["a window longer than 90 days", { match: { site: "plant-1" }, duration: "91d" }, "body.duration"],
    [
      "a glob with SQL in it",
      { match: { things: ["oven-3' OR 1=1"] }, duration: "1h" },
      "body.match.things[0]",
    ],
    ["an unknown field", { match: { site: "plant-1" }, duration: "1h", everything: true }, "body.everything"],
    ["an unknown match field", { match: { site: "plant-1", zone: "a" }, duration: "1h" }, "body.match.zone"],
    [
      "a comment with a NUL byte",
      { match: { site: "plant-1" }, duration: "1h", comment: "a\u0000b" },
      "body.comment",
    ],
    [
      "a comment over the note limit",
      { match: { site: "plant-1" }, duration: "1h", comment: "x".repeat(1001) },
      "body.comment",
    ],
  ])("refuses a silence with %s", async (_case, body, path) => {
    const { status, body: answer } = await call(api.url, "PUT", "/silences/refused", body);

    expect(status).toBe(400);
    expect(answer.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    expect(await api.deps.silences.get("refused")).toBeUndefined();
  });

  it("refuses a silence id that is not one", async () => {
    const { status, body } = await call(api.url, "PUT", "/silences/..%2F..%2Fetc", {
      match: { site: "plant-1" },
      duration: "1h",
    });

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "path.id", message: expect.stringContaining("silence id") }]);
  });
});
