import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestOperatorApi } from "../../../support/operatorApi.ts";
import { call, startFleetApi } from "../support.ts";

describe("operator API: devices", () => {
  let api: TestOperatorApi;
  let alarmId: string;

  beforeAll(async () => {
    ({ api, alarmId } = await startFleetApi());
  });
  afterAll(async () => {
    await api?.close();
  });

  it("lists devices with their active alarm counts and last report (the alarm state's, no registry lastSeen here)", async () => {
    const { status, body } = await call(api.url, "GET", "/devices");

    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        {
          thingName: "oven-3",
          site: "plant-1",
          line: "line-2",
          model: "deck-oven",
          lastSeen: "2026-11-25T12:00:00.000Z",
          activeAlarms: 1,
        },
        {
          thingName: "oven-4",
          site: "plant-1",
          line: "line-3",
          lastSeen: "2026-11-25T12:00:00.000Z",
          activeAlarms: 0,
        },
        { thingName: "press-1", site: "plant-2", activeAlarms: 0 },
      ],
    });
  });

  it("pages devices with an opaque cursor", async () => {
    const first = await call(api.url, "GET", "/devices?limit=2");
    const second = await call(api.url, "GET", `/devices?limit=2&next=${first.body.next}`);

    expect(first.body.items.map((device: { thingName: string }) => device.thingName)).toEqual([
      "oven-3",
      "oven-4",
    ]);
    expect(second.body).toEqual({ items: [expect.objectContaining({ thingName: "press-1" })] });
  });

  it("filters devices by site and thing glob", async () => {
    const { body } = await call(api.url, "GET", "/devices?site=plant-1&thing=oven-4*");

    expect(body.items.map((device: { thingName: string }) => device.thingName)).toEqual(["oven-4"]);
  });

  it("shows one device with its alarms", async () => {
    const { status, body } = await call(api.url, "GET", "/devices/oven-3");

    expect(status).toBe(200);
    expect(body).toMatchObject({
      thingName: "oven-3",
      activeAlarms: 1,
      alarms: [{ alarmId, state: "ACTIVE" }],
    });
  });

  it("answers 404 not_found for a device that is not registered", async () => {
    const { status, body } = await call(api.url, "GET", "/devices/oven-99");

    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "not_found", requestId: expect.stringMatching(/^local-/) });
  });
});
