import { describe, expect, it } from "vitest";
import { channelFor } from "../../../../shared/domain/notifications/channelFor.ts";

describe("channelFor", () => {
  it.each([
    ["critical", "page"],
    ["major", "page"],
    ["minor", "notify"],
    ["warning", "notify"],
    ["info", "notify"],
  ] as const)("sends %s alarms to %s", (severity, channel) => {
    expect(channelFor(severity)).toBe(channel);
  });
});
