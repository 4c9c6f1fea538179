import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventBridgePublisher } from "../../../../shared/adapters/aws/eventBridgePublisher.ts";
import type { AlarmEventDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");

function details(count: number): AlarmEventDetail[] {
  return Array.from({ length: count }, (_, index) => ({
    version: "1",
    alarmId: `oven-overheat:oven-${index}`,
    rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
    device: { thingName: `oven-${index}` },
    state: {
      value: "ACTIVE",
      previous: "NORMAL",
      reason: "temperature 262.4 > 250 for 60s",
      timestamp: new Date(T0 + index).toISOString(),
    },
  }));
}

function awsError(name: string, fields: object = {}): Error {
  return Object.assign(new Error(`${name} from the mock`), { name, ...fields });
}

const accepted = (input: PutEventsCommandInput) => ({
  FailedEntryCount: 0,
  Entries: (input.Entries ?? []).map((_, index) => ({ EventId: `event-${index}` })),
});

describe("EventBridgePublisher", () => {
  const client = new EventBridgeClient({ ...TEST_CLIENT_CONFIG, maxAttempts: 1 });
  const eventBridge = mockClient(client);
  let clock: ManualClock;
  const publisher = (options: { maxConcurrentRequests?: number; random?: () => number } = {}) =>
    new EventBridgePublisher({
      eventBusName: "plantwatch",
      client,
      maxConcurrentRequests: options.maxConcurrentRequests,
      backoff: {
        baseDelayMs: 2,
        maxDelayMs: 10,
        random: options.random,
        ...clock,
      },
    });

  beforeEach(() => {
    eventBridge.reset();
    clock = manualClock(T0);
  });
  afterEach(() => {
    eventBridge.reset();
  });

  describe("transient request errors", () => {
    it.each([
      ["a dropped connection (ECONNRESET)", awsError("Error", { code: "ECONNRESET" })],
      ["a refused connection (ECONNREFUSED)", awsError("Error", { code: "ECONNREFUSED" })],
      ["an SDK timeout", awsError("TimeoutError")],
      ["a 503 of any name", awsError("UnknownError", { $metadata: { httpStatusCode: 503 } })],
      ["a 429 of any name", awsError("TooManyRequests", { $metadata: { httpStatusCode: 429 } })],
    ])("retries after %s", async (_, error) => {
      eventBridge.on(PutEventsCommand).rejectsOnce(error).callsFake(accepted);

      const result = await publisher().publish(details(3), { deadline: T0 + 1_000 });

      expect(result).toEqual({ failures: [], retries: 1 });
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
      expect(clock.sleeps).toHaveLength(1);
    });

    it("waits longer after each failed attempt, up to maxDelayMs", async () => {
      const throttled = awsError("ThrottlingException", { $metadata: { httpStatusCode: 400 } });
      eventBridge
        .on(PutEventsCommand)
        .rejectsOnce(throttled)
        .rejectsOnce(throttled)
        .rejectsOnce(throttled)
        .rejectsOnce(throttled)
        .callsFake(accepted);

      const result = await publisher({ random: () => 0.99 }).publish(details(1), { deadline: T0 + 1_000 });

      expect(result.retries).toBe(4);
      expect(clock.sleeps).toEqual([1, 3, 7, 9]);
    });
  });

  describe("request errors that retrying cannot fix", () => {
    it.each([
      ["AccessDeniedException", 400],
      ["ResourceNotFoundException", 400],
      ["ValidationException", 400],
    ])("throws a %s (HTTP %d) after one attempt", async (name, status) => {
      eventBridge.on(PutEventsCommand).rejects(awsError(name, { $metadata: { httpStatusCode: status } }));

      await expect(publisher().publish(details(3), { deadline: T0 + 1_000 })).rejects.toMatchObject({ name });
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    });

    it("starts no further request once one fails for good, and settles before throwing", async () => {
      let calls = 0;
      let inFlight = 0;
      eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
        const call = ++calls;
        inFlight++;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        if (call === 1) throw awsError("AccessDeniedException", { $metadata: { httpStatusCode: 400 } });
        return accepted(input);
      });

      await expect(
        publisher({ maxConcurrentRequests: 2 }).publish(details(60), { deadline: T0 + 1_000 }),
      ).rejects.toThrow(/AccessDenied/);

      expect(inFlight).toBe(0);
      expect(calls).toBe(2);
    });
  });

  describe("failed entries", () => {
    it("returns entries refused for good at once, without retrying them, and says which are worth re-sending", async () => {
      const refusals: PutEventsResultEntry[] = [
        { EventId: "event-0" },
        { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
        { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." },
        { EventId: "event-3" },
      ];
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 2, Entries: refusals });
      const events = details(4);

      const result = await publisher().publish(events, { deadline: T0 + 1_000 });

      expect(result).toEqual({
        failures: [
          { detail: events[1], reason: "MalformedDetail: Detail is malformed.", resendable: false },
          {
            detail: events[2],
            reason: "NotAuthorizedForSourceException: Not authorized for the source.",
            resendable: true,
          },
        ],
        retries: 0,
      });
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    });

    it("retries an entry a failed response leaves without a result", async () => {
      eventBridge
        .on(PutEventsCommand)
        .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: "event-0" }] })
        .callsFake(accepted);

      const result = await publisher().publish(details(2), { deadline: T0 + 1_000 });

      expect(result.retries).toBe(1);
      expect(eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries).toHaveLength(1);
    });
  });

  describe("concurrency and the deadline", () => {
    it("keeps at most maxConcurrentRequests requests in flight", async () => {
      let inFlight = 0;
      let mostInFlight = 0;
      eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return accepted(input);
      });

      const result = await publisher({ maxConcurrentRequests: 2 }).publish(details(45), {
        deadline: T0 + 60_000,
      });

      expect(result.failures.map((failure) => failure.detail)).toEqual([]);
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(5);
      expect(mostInFlight).toBe(2);
    });

    it("starts no request once the deadline has passed, returning the events not sent", async () => {
      eventBridge.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
        clock.advance(2_000);
        return accepted(input);
      });
      const events = details(25);

      const result = await publisher({ maxConcurrentRequests: 1 }).publish(events, { deadline: T0 + 1_000 });

      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
      expect(result.failures.map((failure) => failure.detail)).toEqual(events.slice(10));
      expect(new Set(result.failures.map((failure) => failure.reason))).toEqual(
        new Set(["deadline reached before sending"]),
      );
    });
  });
});
