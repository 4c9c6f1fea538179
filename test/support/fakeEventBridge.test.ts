import {
  AccessDeniedException,
  type EventBridgeClient,
  InternalException,
  PutEventsCommand,
  type PutEventsRequestEntry,
  ThrottlingException,
} from "@aws-sdk/client-eventbridge";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeEventBridge, localEventBridgeClient, startFakeEventBridge } from "./fakeEventBridge.ts";

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: "plantwatch",
  Source: "plantwatch",
  DetailType: "Alarm State Change",
  Detail: JSON.stringify({ alarmId: "oven-overheat:oven-3" }),
  Time: new Date("2026-11-25T12:03:10.000Z"),
  Resources: [],
  ...overrides,
});

// The publisher tests trust this fake to answer as EventBridge does: these show that it does.
describe("startFakeEventBridge", () => {
  let fake: FakeEventBridge;
  let client: EventBridgeClient;

  beforeEach(async () => {
    fake = await startFakeEventBridge();
    client = localEventBridgeClient(fake.endpoint);
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  it("accepts valid entries, answering an EventId for each, and records the events", async () => {
    const output = await client.send(new PutEventsCommand({ Entries: [entry(), entry({ Detail: "{}" })] }));

    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries).toHaveLength(2);
    expect(output.Entries?.every((result) => typeof result.EventId === "string")).toBe(true);
    expect(fake.events()[0]).toEqual({
      id: output.Entries?.[0]?.EventId,
      eventBusName: "plantwatch",
      source: "plantwatch",
      detailType: "Alarm State Change",
      detail: { alarmId: "oven-overheat:oven-3" },
      time: "2026-11-25T12:03:10.000Z",
      resources: [],
    });
    expect(fake.requests.map((request) => `${request.operation} ${request.status}`)).toEqual([
      "PutEvents 200",
    ]);
  });

  it("refuses more than 10 entries with a ValidationException", async () => {
    const sending = client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) }));

    await expect(sending).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/less than or equal to 10/),
      $metadata: { httpStatusCode: 400 },
    });
    expect(fake.events()).toEqual([]);
  });

  it("refuses a request over 256 KB in total, counting Time as 14 bytes", async () => {
    const fixed = Buffer.byteLength("plantwatch") + Buffer.byteLength("Alarm State Change") + 14;
    const detailOf = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - 10) });
    const exactly = (total: number) => [
      entry({ Detail: detailOf(total / 2 - fixed) }),
      entry({ Detail: detailOf(total / 2 - fixed) }),
    ];

    await client.send(new PutEventsCommand({ Entries: exactly(256 * 1024) }));
    const over = client.send(new PutEventsCommand({ Entries: exactly(256 * 1024 + 2) }));

    await expect(over).rejects.toMatchObject({ name: "ValidationException" });
    expect(fake.events()).toHaveLength(2);
  });

  it("refuses an entry without an EventBusName", async () => {
    const sending = client.send(
      new PutEventsCommand({ Entries: [entry(), entry({ EventBusName: undefined })] }),
    );

    await expect(sending).rejects.toMatchObject({ name: "ValidationException", message: /entries\[1\]/ });
  });

  it("fails entries without Source, DetailType or Detail, or with a Detail that is not a JSON object", async () => {
    const output = await client.send(
      new PutEventsCommand({
        Entries: [
          entry({ Source: undefined }),
          entry({ DetailType: undefined }),
          entry({ Detail: undefined }),
          entry({ Detail: "[1, 2]" }),
          entry({ Detail: "{not json" }),
          entry(),
        ],
      }),
    );

    expect(output.FailedEntryCount).toBe(5);
    expect(output.Entries?.map((result) => result.ErrorCode)).toEqual([
      "InvalidArgument",
      "InvalidArgument",
      "InvalidArgument",
      "MalformedDetail",
      "MalformedDetail",
      undefined,
    ]);
    expect(output.Entries?.[0]?.ErrorMessage).toMatch(/Source/);
    expect(fake.events()).toHaveLength(1);
  });

  it.each([
    ["throttling", ThrottlingException, 400],
    ["internal", InternalException, 500],
    ["accessDenied", AccessDeniedException, 400],
  ] as const)("answers a scripted %s fault as the SDK's modeled exception", async (fault, type, status) => {
    fake.fail(fault);

    const error = await client.send(new PutEventsCommand({ Entries: [entry()] })).catch((caught) => caught);

    expect(error).toBeInstanceOf(type);
    expect(error.$metadata.httpStatusCode).toBe(status);
    expect(error.message).not.toBe("UnknownError");
    await client.send(new PutEventsCommand({ Entries: [entry()] }));
    expect(fake.events()).toHaveLength(1);
  });

  it("fails matching entries the scripted number of times each, accepting the others", async () => {
    const oven = entry({ Detail: JSON.stringify({ thing: "oven-3" }) });
    const press = entry({ Detail: JSON.stringify({ thing: "press-7" }) });
    const mixer = entry({ Detail: JSON.stringify({ thing: "mixer-9" }) });
    fake.failEntries("ThrottlingException", {
      times: 2,
      where: (detail) => (detail as { thing: string }).thing !== "mixer-9",
    });

    const first = await client.send(new PutEventsCommand({ Entries: [oven, mixer, press] }));
    const second = await client.send(new PutEventsCommand({ Entries: [oven, press] }));
    const third = await client.send(new PutEventsCommand({ Entries: [press, oven] }));

    expect(first.FailedEntryCount).toBe(2);
    expect(first.Entries?.map((result) => result.ErrorCode ?? "ok")).toEqual([
      "ThrottlingException",
      "ok",
      "ThrottlingException",
    ]);
    expect(first.Entries?.[0]?.ErrorMessage).toBe("Rate exceeded.");
    expect(second.FailedEntryCount).toBe(2);
    expect(third.FailedEntryCount).toBe(0);
    expect(fake.events().map((event) => (event.detail as { thing: string }).thing)).toEqual([
      "mixer-9",
      "press-7",
      "oven-3",
    ]);
  });

  it("never answers a request it is told to hang, and records it", async () => {
    fake.hang();

    const giveUp = new AbortController();
    const sending = client.send(new PutEventsCommand({ Entries: [entry()] }), { abortSignal: giveUp.signal });
    // Give up only once the fake holds the request: a timer could fire before it arrived on a busy machine.
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1), { timeout: 30_000 });
    giveUp.abort();

    await expect(sending).rejects.toThrow();
    expect(fake.requests.map((request) => request.status)).toEqual([0]);
    expect(fake.events()).toEqual([]);
  });
});
