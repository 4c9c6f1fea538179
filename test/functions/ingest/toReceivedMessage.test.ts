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
});
