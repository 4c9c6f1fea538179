import { describe, expect, it } from "vitest";
import { createNotifier } from "../../functions/notify/createNotifier.ts";
import { LocalEventBus } from "../../local/localEventBus.ts";
import type { AlarmNotificationDetail } from "../../shared/contracts/alarmNotification.ts";
import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import type { AlarmEventDetail } from "../../shared/domain/alarms/alarmEvent.ts";
import type { Silence } from "../../shared/domain/silences/silence.ts";
import { NotificationDeliveryError, type TopicMessage } from "../../shared/ports/notifier.ts";
import { manualClock } from "../support/testClock.ts";

const NOW = Date.parse("2026-11-25T12:03:10Z");
const clock = manualClock(NOW);

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

function setup(options: { list?: () => Promise<readonly Silence[]>; failWebhooks?: boolean } = {}) {
  const live: LiveEvent[] = [];
  const topics: TopicMessage[] = [];
  const webhooks: AlarmNotificationDetail[] = [];
  const silenced: string[] = [];
  const failed: string[] = [];
  const notifier = createNotifier({
    silences: { list: options.list ?? (async () => []) },
    registry: { get: async () => undefined },
    topics: {
      send: async (message) => {
        topics.push(message);
        return { retries: 0 };
      },
    },
    webhooks: {
      put: async (detail) => {
        if (options.failWebhooks) {
          throw new NotificationDeliveryError("bus", "refused", { retryable: false, retries: 0 });
        }
        webhooks.push(detail);
        return { retries: 0 };
      },
    },
    clock,
    context: { timeZone: "UTC" },
  });
  const bus = new LocalEventBus({
    live: { publish: (event) => live.push(event) },
    notifier,
    onSilenced: (detail, silenceId) => silenced.push(`${detail.device.thingName} ${silenceId}`),
    onNotifyFailed: (detail, reason, error) =>
      failed.push(`${detail.device.thingName} ${reason}: ${(error as Error | undefined)?.name}`),
    now: clock.now,
  });
  return { bus, live, topics, webhooks, silenced, failed };
}

describe("LocalEventBus", () => {
  it("sends every event to the dashboard and through the notifier to the console and the webhooks", async () => {
    const { bus, live, topics, webhooks } = setup();

    const result = await bus.publish([raised("oven-1"), raised("oven-3")]);

    expect(result.failures).toEqual([]);
    expect(live.map((event) => event.type)).toEqual(["alarm", "alarm"]);
    expect(topics.map((message) => message.attributes.alarmId)).toEqual([
      "oven-overheat:oven-1",
      "oven-overheat:oven-3",
    ]);
    expect(webhooks.map((detail) => [detail.thingName, detail.kind, Object.keys(detail.payloads)])).toEqual([
      ["oven-1", "transition", ["slack", "teams", "pagerduty", "json"]],
      ["oven-3", "transition", ["slack", "teams", "pagerduty", "json"]],
    ]);
  });

  it("keeps a silenced thing's event from the console and the webhooks, not from the dashboard", async () => {
    const { bus, live, topics, webhooks, silenced } = setup({ list: async () => [SILENCE] });

    await bus.publish([raised("oven-1"), raised("oven-2")]);

    expect(silenced).toEqual(["oven-2 oven-2-maintenance"]);
    expect(topics.map((message) => message.attributes.alarmId)).toEqual(["oven-overheat:oven-1"]);
    expect(webhooks.map((detail) => detail.thingName)).toEqual(["oven-1"]);
    expect(live).toHaveLength(2);
  });

  it("tells of every event when the silences cannot be read", async () => {
    const { bus, topics, silenced } = setup({
      list: async () => {
        throw new Error("table unavailable");
      },
    });

    await bus.publish([raised("oven-1"), raised("oven-2")]);

    expect(silenced).toEqual([]);
    expect(topics).toHaveLength(2);
  });

  it("reports a notification that failed, and still delivers the next event", async () => {
    const { bus, topics, failed } = setup({ failWebhooks: true });

    const result = await bus.publish([raised("oven-1"), raised("oven-3")]);

    expect(result.failures).toEqual([]);
    expect(failed).toEqual([
      "oven-1 notification failed: NotificationFailedError",
      "oven-3 notification failed: NotificationFailedError",
    ]);
    expect(topics).toHaveLength(2);
  });

  it("refuses an invalid detail as the EventBridge publisher does, notifying nobody", async () => {
    const { bus, live, topics } = setup();
    const invalid = { ...raised("oven-1"), alarmId: "" };

    const result = await bus.publish([invalid]);

    expect(result.failures).toEqual([
      expect.objectContaining({
        detail: invalid,
        resendable: false,
        reason: expect.stringMatching(/^invalid detail: /),
      }),
    ]);
    expect(live).toEqual([]);
    expect(topics).toEqual([]);
  });
});
