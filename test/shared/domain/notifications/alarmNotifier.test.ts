import { describe, expect, it } from "vitest";
import type { AlarmNotificationDetail } from "../../../../shared/contracts/alarmNotification.ts";
import {
  AlarmNotifier,
  NotificationFailedError,
} from "../../../../shared/domain/notifications/alarmNotifier.ts";
import type { Silence } from "../../../../shared/domain/silences/silence.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import { NotificationDeliveryError, type TopicMessage } from "../../../../shared/ports/notifier.ts";
import { manualClock } from "../../../support/testClock.ts";
import { ALARM_EVENTS } from "./alarmEvents.ts";

const NOW = Date.parse("2026-11-25T12:03:10.000Z");
const DEADLINE = { deadline: NOW + 10_000 };

function silence(
  id: string,
  match: Silence["match"],
  startsAt = NOW - 60_000,
  endsAt = NOW + 60_000,
): Silence {
  return { id, match, startsAt, endsAt, createdBy: "ana", createdAt: startsAt };
}

/** Ports that record what they are given and fail as scripted. */
function setup(
  options: {
    silences?: readonly Silence[] | Error;
    devices?: Record<string, DeviceRecord>;
    topicFailures?: Error[];
    busFailures?: Error[];
  } = {},
) {
  const sent: TopicMessage[] = [];
  const put: AlarmNotificationDetail[] = [];
  const lookups: string[] = [];
  const topicFailures = [...(options.topicFailures ?? [])];
  const busFailures = [...(options.busFailures ?? [])];
  const notifier = new AlarmNotifier({
    silences: {
      list: async () => {
        if (options.silences instanceof Error) throw options.silences;
        return options.silences ?? [];
      },
    },
    registry: {
      get: async (thingName) => {
        lookups.push(thingName);
        return options.devices?.[thingName];
      },
    },
    topics: {
      send: async (message) => {
        const failure = topicFailures.shift();
        if (failure) throw failure;
        sent.push(message);
        return { retries: 1 };
      },
    },
    webhooks: {
      put: async (detail) => {
        const failure = busFailures.shift();
        if (failure) throw failure;
        put.push(detail);
        return { retries: 0 };
      },
    },
    clock: manualClock(NOW),
    context: { timeZone: "Europe/Berlin" },
  });
  return { notifier, sent, put, lookups };
}

const raised = ALARM_EVENTS["threshold-raised"]();
const STATE_CHANGE = "Alarm State Change";

describe("AlarmNotifier", () => {
  it("sends the topic message and the webhook event of a transition", async () => {
    const { notifier, sent, put } = setup();
    const outcome = await notifier.notify(STATE_CHANGE, raised, DEADLINE);

    expect(outcome).toEqual({
      status: "notified",
      eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:09.500Z",
      kind: "transition",
      channel: "page",
      topic: "sent",
      webhooks: "sent",
      retries: 1,
    });
    expect(sent).toHaveLength(1);
    expect(put).toHaveLength(1);
  });

  it("sends only the webhook event for housekeeping", async () => {
    const { notifier, sent, put } = setup();
    const enabled = { ...raised, state: { ...raised.state, previous: "DISABLED", value: "NORMAL" } };
    const outcome = await notifier.notify(STATE_CHANGE, enabled, DEADLINE);
    expect(outcome).toMatchObject({ status: "notified", topic: "not needed", webhooks: "sent" });
    expect(sent).toHaveLength(0);
    expect(put).toHaveLength(1);
  });

  it("checks a reminder against the reminder contract", async () => {
    const { notifier, sent } = setup();
    const reminder = ALARM_EVENTS["repeat-reminder"]();
    expect(await notifier.notify("Alarm Reminder", reminder, DEADLINE)).toMatchObject({
      status: "notified",
      kind: "repeat",
    });
    expect(sent[0]?.attributes.kind).toBe("repeat");
    const { reminder: _, ...withoutReminder } = reminder as typeof reminder & { reminder: unknown };
    expect(await notifier.notify("Alarm Reminder", withoutReminder, DEADLINE)).toMatchObject({
      status: "invalid",
      problems: expect.stringMatching(/^reminder: /),
    });
  });

  it.each([
    ["an unknown detail-type", "Alarm Something", raised, /^detail-type: expected/],
    ["a detail that is not C5", STATE_CHANGE, { ...raised, version: "2" }, /^version: /],
    ["no detail at all", STATE_CHANGE, undefined, /^\(root\): /],
  ])("reports %s as invalid and sends nothing", async (_, detailType, detail, problems) => {
    const { notifier, sent, put } = setup();
    const outcome = await notifier.notify(detailType, detail, DEADLINE);
    expect(outcome).toMatchObject({ status: "invalid", problems: expect.stringMatching(problems) });
    expect(sent).toHaveLength(0);
    expect(put).toHaveLength(0);
  });

  it("keeps quiet while a silence covers the thing, naming it", async () => {
    const { notifier, sent, put, lookups } = setup({
      silences: [
        silence("other-line", { line: "line-9" }),
        silence("ovens", { things: ["oven-*"] }),
        silence("ended", { things: ["*"] }, NOW - 120_000, NOW),
      ],
    });
    expect(await notifier.notify(STATE_CHANGE, raised, DEADLINE)).toEqual({
      status: "silenced",
      eventKey: "oven-overheat:oven-3|ACTIVE|2026-11-25T12:03:09.500Z",
      silenceId: "ovens",
    });
    expect(sent).toHaveLength(0);
    expect(put).toHaveLength(0);
    expect(lookups).toEqual([]);
  });

  it("asks the registry only when a silence matches on a site the event does not name", async () => {
    const bare = { ...raised, device: { thingName: "oven-3" } };
    const quiet = setup({
      silences: [silence("plant-1", { site: "plant-1" })],
      devices: { "oven-3": { thingName: "oven-3", site: "plant-1" } },
    });
    expect(await quiet.notifier.notify(STATE_CHANGE, bare, DEADLINE)).toMatchObject({ status: "silenced" });
    expect(quiet.lookups).toEqual(["oven-3"]);

    const loud = setup({ silences: [silence("plant-1", { site: "plant-1" })] });
    expect(await loud.notifier.notify(STATE_CHANGE, raised, DEADLINE)).toMatchObject({ status: "silenced" });
    expect(loud.lookups).toEqual([]);
  });

  it("notifies when silences cannot be read, and says so", async () => {
    const { notifier, sent } = setup({ silences: new Error("table gone") });
    expect(await notifier.notify(STATE_CHANGE, raised, DEADLINE)).toMatchObject({
      status: "notified",
      silencesError: "Error: table gone",
    });
    expect(sent).toHaveLength(1);
  });

  it("attempts both parts before throwing, and a retry here re-sends only the failed part", async () => {
    const busDown = new NotificationDeliveryError("bus", "EventBridge did not accept", {
      retryable: true,
      retries: 3,
    });
    const { notifier, sent, put } = setup({ busFailures: [busDown] });

    const error = await notifier.notify(STATE_CHANGE, raised, DEADLINE).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotificationFailedError);
    expect(error).toMatchObject({ retryable: true, delivered: ["topic"], failures: [busDown] });
    expect(sent).toHaveLength(1);
    expect(put).toHaveLength(0);

    const retried = await notifier.notify(STATE_CHANGE, raised, DEADLINE);
    expect(retried).toMatchObject({ status: "notified", topic: "already sent", webhooks: "sent" });
    expect(sent).toHaveLength(1);
    expect(put).toHaveLength(1);
  });

  it("reports both failures when both parts fail", async () => {
    const { notifier } = setup({
      topicFailures: [new NotificationDeliveryError("topic", "refused", { retryable: false, retries: 0 })],
      busFailures: [new Error("socket hang up")],
    });
    const error = (await notifier
      .notify(STATE_CHANGE, raised, DEADLINE)
      .catch((caught: unknown) => caught)) as NotificationFailedError;
    expect(error.delivered).toEqual([]);
    expect(error.failures.map((failure) => [failure.target, failure.retryable])).toEqual([
      ["topic", false],
      ["bus", true],
    ]);
    expect(error.message).toMatch(/topic: refused; bus: unexpected failure: Error: socket hang up/);
  });
});
