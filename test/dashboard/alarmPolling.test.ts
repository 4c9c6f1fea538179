import { describe, expect, it } from "vitest";
import { AlarmPoller, POLL_INTERVALS } from "../../dashboard/src/alarmPolling.ts";
import { ApiError } from "../../dashboard/src/api.ts";
import type { ConnectionStatus } from "../../dashboard/src/liveEvents.ts";
import type { AlarmChanges, AlarmView } from "../../shared/contracts/operatorApi.ts";

const view = (alarmId: string, state: AlarmView["state"]): AlarmView => ({
  alarmId,
  thingName: alarmId.split(":")[1] ?? "",
  rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
  device: {},
  state,
  since: "2026-11-25T12:00:00.000Z",
});

/** An API that answers from a script and records each `since`, and timers the test fires by hand. */
function rig(answers: (since: string | undefined) => AlarmChanges | Error) {
  const calls: (string | undefined)[] = [];
  const merged: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const events: string[] = [];
  const scheduled: { run: () => void; ms: number }[] = [];
  let visible = true;
  const poller = new AlarmPoller({
    api: {
      alarmChanges: async (since) => {
        calls.push(since);
        events.push(`changes ${since ?? "-"}`);
        const answer = answers(since);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    onViews: (views) => merged.push(...views.map((item) => `${item.alarmId} ${item.state}`)),
    reload: async () => {
      events.push("reload");
    },
    onStatus: (status) => statuses.push(status),
    isVisible: () => visible,
    timers: {
      setTimeout: (run, ms) => {
        const entry = { run, ms };
        scheduled.push(entry);
        return entry;
      },
      clearTimeout: (handle) => {
        const index = scheduled.indexOf(handle as (typeof scheduled)[number]);
        if (index >= 0) scheduled.splice(index, 1);
      },
    },
  });
  return {
    poller,
    calls,
    merged,
    statuses,
    events,
    /** The delay of the one poll waiting to run. */
    nextDelay: () => {
      expect(scheduled).toHaveLength(1);
      return scheduled[0]?.ms;
    },
    pending: () => scheduled.length,
    setVisible: (value: boolean) => {
      visible = value;
    },
  };
}

describe("AlarmPoller", () => {
  it("starts a cursor, passes each answer's cursor back, and merges the views it returns", async () => {
    const { poller, calls, merged, statuses, nextDelay } = rig((since) =>
      since === undefined
        ? { items: [], cursor: "c0" }
        : since === "c0"
          ? { items: [view("oven-overheat:oven-3", "ACTIVE")], cursor: "c1" }
          : { items: [], cursor: "c2" },
    );

    poller.start();
    expect(nextDelay()).toBe(0);
    await poller.poll();
    expect(nextDelay()).toBe(POLL_INTERVALS.visibleMs);
    await poller.poll();
    await poller.poll();

    expect(calls).toEqual([undefined, "c0", "c1"]);
    expect(merged).toEqual(["oven-overheat:oven-3 ACTIVE"]);
    expect(statuses).toEqual(["connecting", "open", "open", "open"]);
  });

  it("asks every 30 s while the tab is hidden, and at once when it is shown again", async () => {
    const { poller, nextDelay, setVisible } = rig(() => ({ items: [], cursor: "c" }));
    setVisible(false);

    await poller.poll();
    expect(nextDelay()).toBe(POLL_INTERVALS.hiddenMs);
    setVisible(true);
    poller.visibilityChanged();

    expect(nextDelay()).toBe(0);
  });

  it("fetches the rest at once when an answer says there is more", async () => {
    const { poller, nextDelay } = rig(() => ({ items: [], cursor: "c", more: true }));

    await poller.poll();

    expect(nextDelay()).toBe(0);
  });

  it("on a refused cursor, takes a new cursor and then reloads the whole list", async () => {
    const { poller, events, nextDelay } = rig((since) =>
      since === "old"
        ? new ApiError(400, "invalid_request", "query.since: is older than 2 days")
        : { items: [], cursor: since === undefined ? "fresh" : "old" },
    );

    await poller.poll();
    await poller.poll();
    await poller.poll();
    expect(nextDelay()).toBe(0);
    await poller.poll();

    expect(events).toEqual(["changes -", "changes fresh", "changes old", "changes -", "reload"]);
  });

  it("keeps its cursor through a failed poll and says it is reconnecting", async () => {
    let down = false;
    const { poller, calls, statuses, nextDelay } = rig(() =>
      down ? new ApiError(0, "unreachable", "offline") : { items: [], cursor: "c1" },
    );

    await poller.poll();
    down = true;
    await poller.poll();
    expect(nextDelay()).toBe(POLL_INTERVALS.visibleMs);
    down = false;
    await poller.poll();

    expect(calls).toEqual([undefined, "c1", "c1"]);
    expect(statuses).toEqual(["open", "reconnecting", "open"]);
  });

  it("schedules nothing after stop", async () => {
    const { poller, pending } = rig(() => ({ items: [], cursor: "c" }));
    poller.start();
    poller.stop();

    await poller.poll();

    expect(pending()).toBe(0);
  });
});
