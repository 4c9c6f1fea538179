import { describe, expect, it } from "vitest";
import { LocalEventBus } from "../../../cli/local/localEventBus.ts";
import type { LiveEvent } from "../../../shared/contracts/liveEvents.ts";
import type { AlarmEventDetail } from "../../../shared/domain/alarms/alarmEvent.ts";
import type { Silence } from "../../../shared/domain/silences/silence.ts";

const NOW = Date.parse("2026-11-25T12:03:10Z");

function raised(thingName: string): AlarmEventDetail {
  return {
    version: "1",
    alarmId: `oven-overheat:${thingName}`,
    rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
    device: { thingName },
    state: {
      value: "ACTIVE",
      previous: "NORMAL",
      reason: "temperature 262.4 > 250",
      timestamp: new Date(NOW).toISOString(),
    },
    trigger: { metric: "temperature", value: 262.4, sampleTime: new Date(NOW - 500).toISOString() },
  };
}

const SILENCE: Silence = {
  id: "oven-2-maintenance",
  match: { things: ["oven-2"] },
  startsAt: NOW - 60_000,
  endsAt: NOW + 60_000,
  createdBy: "local:test",
  createdAt: NOW - 60_000,
};

function setup(list: () => Promise<readonly Silence[]>) {
  const live: LiveEvent[] = [];
  const lines: string[] = [];
  let lists = 0;
  const bus = new LocalEventBus({
    live: { publish: (event) => live.push(event) },
    onEvent: (detail, silencedBy) => lines.push(`${detail.device.thingName} ${silencedBy ?? "-"}`),
    silences: {
      list: () => {
        lists++;
        return list();
      },
    },
    registry: { get: async () => undefined },
    clock: { now: () => NOW },
  });
  return { bus, live, lines, lists: () => lists };
}

describe("LocalEventBus", () => {
  it("reads the silences once for all the events of one publish", async () => {
    const { bus, live, lines, lists } = setup(async () => [SILENCE]);

    const result = await bus.publish([raised("oven-1"), raised("oven-2"), raised("oven-3")]);

    expect(result.failures).toEqual([]);
    expect(lists()).toBe(1);
    expect(lines).toEqual(["oven-1 -", "oven-2 oven-2-maintenance", "oven-3 -"]);
    expect(live.map((event) => event.type)).toEqual(["alarm", "alarm", "alarm"]);
  });

  it("reads them again for the next publish, so a silence just made holds at once", async () => {
    let silences: Silence[] = [];
    const { bus, lines, lists } = setup(async () => silences);

    await bus.publish([raised("oven-2")]);
    silences = [SILENCE];
    await bus.publish([raised("oven-2")]);

    expect(lists()).toBe(2);
    expect(lines).toEqual(["oven-2 -", "oven-2 oven-2-maintenance"]);
  });

  it("tells of every event when the silences cannot be read", async () => {
    const { bus, lines } = setup(async () => {
      throw new Error("table unavailable");
    });

    await bus.publish([raised("oven-1"), raised("oven-2")]);

    expect(lines).toEqual(["oven-1 -", "oven-2 -"]);
  });
});
