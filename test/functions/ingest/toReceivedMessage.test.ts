import { describe, expect, it } from "vitest";
import { toReceivedMessage } from "../../../functions/ingest/toReceivedMessage.ts";

describe("toReceivedMessage", () => {
  it("decodes the telemetry rule's event", () => {
    const message = toReceivedMessage({
      payload: Buffer.from('{"metrics":{"a":1}}').toString("base64"),
      thingName: "oven-3",
      receivedAt: 1764115200123,
      clientId: "oven-3",
    });

    expect(message).toMatchObject({ thingName: "oven-3", receivedAt: 1764115200123, clientId: "oven-3" });
    expect(new TextDecoder().decode(message.payload)).toBe('{"metrics":{"a":1}}');
  });

  it("turns a malformed event into a message the parser quarantines instead of throwing", () => {
    expect(toReceivedMessage(null, 5)).toEqual({ thingName: "", receivedAt: 5, payload: new Uint8Array(0) });
    expect(toReceivedMessage({ thingName: 3 as unknown as string, receivedAt: 1.5 }, 7)).toMatchObject({
      thingName: "",
      receivedAt: 7,
    });
  });

  it("takes the invocation's time for a receive time no Date holds, which the quarantine could not file", () => {
    const beyond = toReceivedMessage({ payload: "", thingName: "oven-3", receivedAt: 8.64e15 + 1 }, 7);
    const before = toReceivedMessage({ payload: "", thingName: "oven-3", receivedAt: -1 }, 7);

    expect([beyond.receivedAt, before.receivedAt]).toEqual([7, 7]);
    expect(toReceivedMessage({ receivedAt: 8.64e15 }, 7).receivedAt).toBe(8.64e15);
  });
});
