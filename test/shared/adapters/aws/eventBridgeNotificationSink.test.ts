import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventBridgeNotificationSink } from "../../../../shared/adapters/aws/eventBridgeNotificationSink.ts";
import type { AlarmNotificationDetail } from "../../../../shared/contracts/alarmNotification.ts";
import { planNotification } from "../../../../shared/domain/notifications/notificationPlan.ts";
import {
  type FakeEventBridge,
  localEventBridgeClient,
  startFakeEventBridge,
} from "../../../support/fakeEventBridge.ts";
import { manualClock } from "../../../support/testClock.ts";
import { ALARM_EVENTS, type AlarmEventCase } from "../../domain/notifications/alarmEvents.ts";

/** Backoff on a clock that moves only when the adapter sleeps: the sleeps are recorded, nothing waits. */
function virtualBackoff() {
  return { baseDelayMs: 10, maxDelayMs: 100, random: () => 0.5, ...manualClock(1_000_000) };
}

const eventOf = (name: AlarmEventCase) => planNotification(ALARM_EVENTS[name]()).webhookEvent;

describe("EventBridgeNotificationSink at the wire", () => {
  let eventBridge: FakeEventBridge;
  let client: EventBridgeClient;

  beforeAll(async () => {
    eventBridge = await startFakeEventBridge();
    client = localEventBridgeClient(eventBridge.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await eventBridge.stop();
  });

  const sink = (backoff = virtualBackoff()) =>
    new EventBridgeNotificationSink({ eventBusName: "plantwatch", client, backoff });

  it("puts one Alarm Notification event on the bus", async () => {
    const detail = eventOf("threshold-raised");
    const report = await sink().put(detail, { deadline: Number.MAX_SAFE_INTEGER });

    expect(report).toEqual({ retries: 0 });
    const event = eventBridge.events().at(-1);
    expect(event).toMatchObject({
      eventBusName: "plantwatch",
      source: "plantwatch",
      detailType: "Alarm Notification",
    });
    expect(event?.detail).toEqual(JSON.parse(JSON.stringify(detail)));
  });

  it("retries an entry EventBridge failed (FailedEntryCount) and a throttled request", async () => {
    const detail = eventOf("latched");
    eventBridge.failEntries("ThrottlingException", {
      times: 1,
      where: (sent) => (sent as AlarmNotificationDetail).eventKey === detail.eventKey,
    });
    eventBridge.fail("throttling");
    const backoff = virtualBackoff();
    const count = eventBridge.events().length;

    const report = await sink(backoff).put(detail, { deadline: Number.MAX_SAFE_INTEGER });

    expect(report).toEqual({ retries: 2 });
    expect(backoff.sleeps).toHaveLength(2);
    expect(eventBridge.events()).toHaveLength(count + 1);
  });

  it("gives up at the deadline with a retryable error", async () => {
    const backoff = virtualBackoff();
    eventBridge.fail("internal", { times: 1000 });
    const error = await sink(backoff)
      .put(eventOf("acknowledged"), { deadline: backoff.now() + 40 })
      .catch((caught: unknown) => caught);
    eventBridge.fail("internal", { times: 0 });

    expect(error).toMatchObject({ name: "NotificationDeliveryError", target: "bus", retryable: true });
    expect((error as Error).message).toMatch(/deadline.*InternalException/);
  });

  it("throws at once, not retryable, when access is denied", async () => {
    const fresh = await startFakeEventBridge();
    const freshClient = localEventBridgeClient(fresh.endpoint);
    try {
      fresh.fail("accessDenied");
      const error = await new EventBridgeNotificationSink({
        eventBusName: "plantwatch",
        client: freshClient,
        backoff: virtualBackoff(),
      })
        .put(eventOf("threshold-raised"), { deadline: Number.MAX_SAFE_INTEGER })
        .catch((caught: unknown) => caught);

      expect(error).toMatchObject({ name: "NotificationDeliveryError", retryable: false });
      expect((error as Error).message).toMatch(/AccessDeniedException/);
      expect(fresh.requests).toHaveLength(1);
    } finally {
      freshClient.destroy();
      await fresh.stop();
    }
  });

  it("refuses an invalid detail without sending it", async () => {
    const before = eventBridge.requests.length;
    const invalid = {
      ...eventOf("threshold-raised"),
      kind: "reminder",
    } as unknown as AlarmNotificationDetail;
    const error = await sink()
      .put(invalid, { deadline: Number.MAX_SAFE_INTEGER })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: "NotificationDeliveryError", retryable: false });
    expect((error as Error).message).toMatch(/invalid notification detail: kind/);
    expect(eventBridge.requests).toHaveLength(before);
  });
});
