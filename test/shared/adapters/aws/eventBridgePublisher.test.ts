import { readFileSync } from "node:fs";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromJSONSchema } from "zod";
import { EventBridgePublisher } from "../../../../shared/adapters/aws/eventBridgePublisher.ts";
import { alarmEventDetailSchema, alarmEventKey } from "../../../../shared/contracts/alarmEvent.ts";
import { publishedSchemas } from "../../../../shared/contracts/publishedSchemas.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  type AlarmReminderDetail,
} from "../../../../shared/domain/alarms/alarmEvent.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import {
  type FakeEventBridge,
  localEventBridgeClient,
  startFakeEventBridge,
} from "../../../support/fakeEventBridge.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const BUS = "plantwatch";
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const SCHEMA_FILE = "alarm-event-v1.schema.json";

/** The transition to ACTIVE of `oven-{index}`, `index` seconds after T0. */
function detail(index: number, overrides: Partial<AlarmEventDetail> = {}): AlarmEventDetail {
  const thingName = `oven-${index}`;
  return {
    version: "1",
    alarmId: `oven-overheat:${thingName}`,
    rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
    device: { thingName, site: "plant-1", line: "line-2" },
    state: {
      value: "ACTIVE",
      previous: "NORMAL",
      reason: "temperature 262.4 > 250 for 60s",
      timestamp: new Date(T0 + index * 1_000).toISOString(),
    },
    trigger: {
      metric: "temperature",
      value: 262.4,
      sampleTime: new Date(T0 + index * 1_000 - 500).toISOString(),
    },
    ...overrides,
  };
}

const details = (count: number) => Array.from({ length: count }, (_, index) => detail(index));
const thingOf = (event: unknown) => (event as AlarmEventDetail).device.thingName;

describe("EventBridgePublisher", () => {
  let fake: FakeEventBridge;
  let client: EventBridgeClient;
  let clock: ManualClock;
  let publisher: EventBridgePublisher;
  const farDeadline = () => clock.now() + 60_000;

  /** Accepted details, each key once per acceptance. */
  const acceptedKeys = () => fake.events().map((event) => alarmEventKey(event.detail as AlarmEventDetail));
  const entryCounts = () => fake.putEventsRequests().map((request) => request.Entries?.length ?? 0);
  const sentDetails = (requestIndex: number) =>
    (fake.putEventsRequests()[requestIndex]?.Entries ?? []).map(
      (entry) => JSON.parse(entry.Detail ?? "null") as AlarmEventDetail,
    );

  beforeEach(async () => {
    fake = await startFakeEventBridge();
    client = localEventBridgeClient(fake.endpoint);
    // A clock that moves only when the adapter sleeps, so deadlines are reached without waiting.
    clock = manualClock(T0);
    publisher = new EventBridgePublisher({
      eventBusName: BUS,
      client,
      backoff: { baseDelayMs: 1, maxDelayMs: 5, ...clock },
    });
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  describe("request shape", () => {
    it("publishes 23 events in requests of 10, 10 and 3 entries", async () => {
      const events = details(23);

      const result = await publisher.publish(events, { deadline: farDeadline() });

      expect(result).toEqual({ failures: [], retries: 0 });
      expect(entryCounts().sort((a, b) => b - a)).toEqual([10, 10, 3]);
      expect(acceptedKeys().sort()).toEqual(events.map(alarmEventKey).sort());
    });

    it("sends each event to the bus with the C5 source and detail-type, no resources, and the transition time", async () => {
      const events = [detail(0), detail(7, { trigger: undefined, actor: { id: "ana", note: "on it" } })];

      await publisher.publish(events, { deadline: farDeadline() });

      expect(fake.events().map(({ id: _, ...event }) => event)).toEqual(
        events.map((event) => ({
          eventBusName: BUS,
          source: ALARM_EVENT_SOURCE,
          detailType: ALARM_EVENT_DETAIL_TYPE,
          detail: event,
          time: event.state.timestamp,
          resources: [],
        })),
      );
      for (const entry of fake.putEventsRequests()[0]?.Entries ?? []) {
        expect(Object.keys(entry).sort()).toEqual([
          "Detail",
          "DetailType",
          "EventBusName",
          "Resources",
          "Source",
          "Time",
        ]);
      }
    });

    it("sends a reminder as an `Alarm Reminder` event that keeps its reminder fields", async () => {
      const reminder: AlarmReminderDetail = {
        ...detail(3, { trigger: undefined }),
        state: {
          value: "ACTIVE",
          previous: "ACTIVE",
          reason: "unacknowledged for 30m",
          timestamp: new Date(T0 + 30 * 60_000).toISOString(),
        },
        reminder: { kind: "repeat", activeSince: new Date(T0).toISOString(), number: 1 },
      };

      const result = await publisher.publish([reminder, detail(4)], { deadline: farDeadline() });

      expect(result.failures).toEqual([]);
      expect(fake.events().map((event) => [event.detailType, event.detail])).toEqual([
        [ALARM_REMINDER_DETAIL_TYPE, reminder],
        [ALARM_EVENT_DETAIL_TYPE, detail(4)],
      ]);
    });

    it("refuses a reminder whose reminder fields are malformed, as not resendable", async () => {
      const broken = {
        ...detail(3),
        reminder: { kind: "nag", activeSince: "yesterday", number: 0 },
      } as unknown as AlarmReminderDetail;

      const result = await publisher.publish([broken], { deadline: farDeadline() });

      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toMatchObject({ resendable: false });
      expect(result.failures[0]?.reason).toMatch(/reminder\.kind.*reminder\.activeSince.*reminder\.number/s);
      expect(fake.events()).toEqual([]);
    });

    it("sends only details that the published JSON Schema file, as generated from the contract, accepts", async () => {
      const text = readFileSync(new URL(`../../../../schemas/${SCHEMA_FILE}`, import.meta.url), "utf8");
      const generated = publishedSchemas().find((schema) => schema.file === SCHEMA_FILE)?.schema;
      expect(JSON.parse(text)).toEqual(generated);
      const published = fromJSONSchema(JSON.parse(text));
      const events = [
        ...details(12),
        detail(12, { trigger: { metric: "mode", value: "MANUAL", sampleTime: "2026-11-25T12:00:11.000Z" } }),
        detail(13, {
          device: { thingName: "oven-13" },
          trigger: undefined,
          actor: { id: "arn:aws:iam::1:user/ana" },
        }),
      ];

      await publisher.publish(events, { deadline: farDeadline() });

      const sent = fake.putEventsRequests().flatMap((request) => request.Entries ?? []);
      expect(sent).toHaveLength(events.length);
      for (const entry of sent) {
        const payload = JSON.parse(entry.Detail ?? "null");
        expect(published.safeParse(payload).error).toBeUndefined();
        expect(alarmEventDetailSchema().safeParse(payload).error).toBeUndefined();
      }
    });

    it("keeps each request within 256 KB, counted as EventBridge counts it", async () => {
      const large = (index: number) =>
        detail(index, { state: { ...detail(index).state, reason: "x".repeat(100 * 1024) } });

      const result = await publisher.publish([0, 1, 2, 3, 4].map(large), { deadline: farDeadline() });

      expect(result.failures.map((failure) => failure.detail)).toEqual([]);
      expect(entryCounts().sort((a, b) => b - a)).toEqual([2, 2, 1]);
    });

    it("makes no request for no events", async () => {
      const result = await publisher.publish([], { deadline: farDeadline() });

      expect(result).toEqual({ failures: [], retries: 0 });
      expect(fake.requests).toEqual([]);
    });
  });

  describe("details that can never be published", () => {
    it("reports an invalid detail as failed with the schema's reason and never sends it", async () => {
      const { reason: _, ...stateWithoutReason } = detail(1).state;
      const invalid = { ...detail(1), state: stateWithoutReason } as unknown as AlarmEventDetail;
      const mismatched = detail(2, { alarmId: "oven-overheat:oven-99" });

      const result = await publisher.publish([detail(0), invalid, mismatched, detail(3)], {
        deadline: farDeadline(),
      });

      expect(result.failures.map((failure) => failure.detail)).toEqual([invalid, mismatched]);
      expect(result.failures.map(({ reason, resendable }) => ({ reason, resendable }))).toEqual([
        { reason: expect.stringMatching(/^invalid detail: state\.reason: /), resendable: false },
        { reason: expect.stringMatching(/^invalid detail: alarmId: /), resendable: false },
      ]);
      expect(fake.events().map((event) => thingOf(event.detail))).toEqual(["oven-0", "oven-3"]);
      expect(entryCounts()).toEqual([2]);
    });

    it("reports a detail too large for EventBridge as failed and never sends it", async () => {
      const huge = detail(1, { state: { ...detail(1).state, reason: "x".repeat(256 * 1024) } });

      const result = await publisher.publish([detail(0), huge], { deadline: farDeadline() });

      expect(result.failures.map((failure) => failure.detail)).toEqual([huge]);
      expect(result.failures[0]?.reason).toMatch(/^detail too large: the entry is \d+ bytes/);
      expect(fake.events().map((event) => thingOf(event.detail))).toEqual(["oven-0"]);
    });
  });

  describe("failed entries", () => {
    it.each(["ThrottlingException", "InternalFailure"] as const)(
      "retries only the entries failed with %s, counting the retry request",
      async (errorCode) => {
        const events = details(23);
        const failing = new Set(["oven-2", "oven-15", "oven-22"]);
        fake.failEntries(errorCode, { where: (event) => failing.has(thingOf(event)) });

        const result = await publisher.publish(events, { deadline: farDeadline() });

        expect(result).toEqual({ failures: [], retries: 1 });
        expect(entryCounts()).toHaveLength(4);
        expect(entryCounts()[3]).toBe(3);
        expect(sentDetails(3).map(thingOf).sort()).toEqual([...failing].sort());
        expect(acceptedKeys().sort()).toEqual(events.map(alarmEventKey).sort());
      },
    );

    it("keeps retrying a failing entry with backoff until it is accepted", async () => {
      fake.failEntries("ThrottlingException", { times: 3, where: (event) => thingOf(event) === "oven-4" });

      const result = await publisher.publish(details(5), { deadline: farDeadline() });

      expect(result.retries).toBe(3);
      expect(entryCounts()).toEqual([5, 1, 1, 1]);
      expect(fake.events()).toHaveLength(5);
    });

    it("returns the entries still failing at the deadline, having published every other event once", async () => {
      const events = details(23);
      const failing = new Set(["oven-5", "oven-17"]);
      fake.failEntries("ThrottlingException", {
        times: Number.POSITIVE_INFINITY,
        where: (event) => failing.has(thingOf(event)),
      });

      const result = await publisher.publish(events, { deadline: clock.now() + 50 });

      expect(result.failures.map((failure) => failure.detail)).toEqual(
        events.filter((event) => failing.has(event.device.thingName)),
      );
      expect(result.failures.map((failure) => failure.reason)).toEqual([
        "ThrottlingException: Rate exceeded.",
        "ThrottlingException: Rate exceeded.",
      ]);
      expect(result.failures.every((failure) => failure.resendable)).toBe(true);
      expect(result.retries).toBeGreaterThan(0);
      expect(result.retries).toBe(fake.putEventsRequests().length - 3);
      const accepted = acceptedKeys();
      expect(new Set(accepted).size).toBe(accepted.length);
      expect(accepted.sort()).toEqual(
        events
          .filter((event) => !failing.has(event.device.thingName))
          .map(alarmEventKey)
          .sort(),
      );
    });
  });

  describe("failed requests", () => {
    it.each([
      ["throttled (400 ThrottlingException)", "throttling"],
      ["failed with a 500", "internal"],
    ] as const)("retries a request %s until it succeeds, counting each retry", async (_, fault) => {
      const events = details(23);
      fake.fail(fault, { times: 2 });

      const result = await publisher.publish(events, { deadline: farDeadline() });

      expect(result).toEqual({ failures: [], retries: 2 });
      expect(fake.requests.filter((request) => request.status !== 200)).toHaveLength(2);
      expect(entryCounts()).toHaveLength(5);
      const accepted = acceptedKeys();
      expect(accepted.sort()).toEqual(events.map(alarmEventKey).sort());
    });

    it("returns the events of a request still throttled at the deadline with the service's reason", async () => {
      const events = details(3);
      fake.fail("throttling", { times: Number.POSITIVE_INFINITY });

      const result = await publisher.publish(events, { deadline: clock.now() + 50 });

      expect(result.failures.map((failure) => failure.detail)).toEqual(events);
      expect(result.failures[0]?.reason).toBe("ThrottlingException: Rate exceeded.");
      expect(fake.events()).toEqual([]);
    });

    it("throws an AccessDeniedException without retrying it", async () => {
      fake.fail("accessDenied");

      await expect(publisher.publish(details(3), { deadline: farDeadline() })).rejects.toMatchObject({
        name: "AccessDeniedException",
      });
      expect(fake.putEventsRequests()).toHaveLength(1);
    });

    it("sends nothing once the deadline has passed, returning every event", async () => {
      const events = details(3);

      const result = await publisher.publish(events, { deadline: clock.now() });

      expect(result.failures.map((failure) => failure.detail)).toEqual(events);
      expect(result.failures[0]?.reason).toBe("deadline reached before sending");
      expect(fake.requests).toEqual([]);
    });
  });

  describe("client", () => {
    it("builds its own client from clientConfig with the SDK's retries off", async () => {
      const configured = new EventBridgePublisher({
        eventBusName: BUS,
        clientConfig: { ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint },
        backoff: { baseDelayMs: 1, maxDelayMs: 5, ...clock },
      });
      fake.fail("throttling");

      const result = await configured.publish(details(2), { deadline: farDeadline() });

      expect(result.retries).toBe(1);
      expect(fake.requests.map((request) => request.status)).toEqual([400, 200]);
    });
  });

  describe("against an endpoint that never answers", () => {
    it("abandons the hung request at the deadline and returns its events", async () => {
      const realTime = new EventBridgePublisher({ eventBusName: BUS, client });
      const events = details(12);
      fake.hang({ where: (request) => request.Entries?.length === 10 });

      const result = await realTime.publish(events, { deadline: Date.now() + 200 });

      expect(result.failures.map((failure) => failure.detail)).toEqual(events.slice(0, 10));
      expect(result.failures[0]?.reason).toBe("no answer from EventBridge before the deadline");
      expect(fake.events().map((event) => thingOf(event.detail))).toEqual(["oven-10", "oven-11"]);
    });
  });
});
