import { describe, expect, it } from "vitest";
import { clockTime, humanTime, isTimeZone } from "../../../../shared/domain/notifications/times.ts";

describe("humanTime", () => {
  it.each([
    [undefined, "Wed 25 Nov 2026 12:03:10 UTC"],
    ["UTC", "Wed 25 Nov 2026 12:03:10 UTC"],
    ["Europe/Berlin", "Wed 25 Nov 2026 13:03:10 CET (Europe/Berlin)"],
    ["Asia/Tokyo", "Wed 25 Nov 2026 21:03:10 GMT+9 (Asia/Tokyo)"],
    ["America/Chicago", "Wed 25 Nov 2026 06:03:10 GMT-6 (America/Chicago)"],
  ])("writes the time in %s as %s", (zone, expected) => {
    expect(humanTime("2026-11-25T12:03:10.000Z", zone)).toBe(expected);
  });

  it("uses the zone's summer time and a 24-hour clock across midnight", () => {
    expect(humanTime("2026-07-01T22:30:00.000Z", "Europe/Berlin")).toBe(
      "Thu 2 Jul 2026 00:30:00 CEST (Europe/Berlin)",
    );
  });

  it("returns a time it cannot read as it is", () => {
    expect(humanTime("not a time", "UTC")).toBe("not a time");
  });
});

describe("clockTime", () => {
  it("gives hours, minutes and the zone", () => {
    expect(clockTime("2026-11-25T12:03:59.999Z", "Europe/Berlin")).toBe("13:03 CET");
    expect(clockTime("2026-11-25T12:03:59.999Z")).toBe("12:03 UTC");
  });
});

describe("isTimeZone", () => {
  it("knows IANA zones and rejects others", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
