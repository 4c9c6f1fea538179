import { describe, expect, it } from "vitest";
import { alarmConsoleLine, notificationConsoleLine } from "../../../cli/format/consoleLine.ts";
import type { AlarmEventDetail } from "../../../shared/domain/alarms/alarmEvent.ts";

const RAISED: AlarmEventDetail = {
  version: "1",
  alarmId: "oven-overheat:oven-3",
  rule: { id: "oven-overheat", name: "Oven temperature too high", severity: "critical", kind: "threshold" },
  device: { thingName: "oven-3", site: "plant-1", line: "line-2" },
  state: {
    value: "ACTIVE",
    previous: "NORMAL",
    reason: "temperature 262.4 > 250 for 60s",
    timestamp: "2026-11-25T12:03:10.000Z",
  },
  trigger: { metric: "temperature", value: 262.4, sampleTime: "2026-11-25T12:03:09.500Z" },
};

const plain = { style: { colour: false }, timeZone: "UTC" };
const coloured = { style: { colour: true }, timeZone: "UTC" };

describe("alarmConsoleLine", () => {
  it("says when, how bad, which thing, the change and why, on one line", () => {
    expect(alarmConsoleLine(RAISED, plain)).toBe(
      "12:03:10 CRITICAL oven-3 NORMAL → ACTIVE temperature 262.4 > 250 for 60s",
    );
  });

  it("shows the time in the zone given", () => {
    expect(alarmConsoleLine(RAISED, { ...plain, timeZone: "Europe/Berlin" })).toMatch(/^13:03:10 /);
  });

  it("tags a clear as RESOLVED and an acknowledgement as ACK, with the reason given", () => {
    const cleared = {
      ...RAISED,
      state: { ...RAISED.state, value: "NORMAL", previous: "ACTIVE", reason: "temperature 238.6 < 240" },
    } as const;
    expect(alarmConsoleLine(cleared, plain)).toBe(
      "12:03:10 RESOLVED oven-3 ACTIVE → NORMAL temperature 238.6 < 240",
    );
    const acknowledged = {
      ...RAISED,
      state: { ...RAISED.state, value: "ACKNOWLEDGED", previous: "ACTIVE", reason: "acknowledged by ana" },
      actor: { id: "local:ana" },
    } as const;
    expect(alarmConsoleLine(acknowledged, plain)).toBe(
      "12:03:10 ACK oven-3 ACTIVE → ACKNOWLEDGED acknowledged by ana",
    );
  });

  it("keeps to one line whatever the reason holds", () => {
    const detail = { ...RAISED, state: { ...RAISED.state, reason: "line one\nline two\u001b[31m" } };
    const line = alarmConsoleLine(detail, plain);
    expect(line).not.toContain("\n");
    expect(line).not.toContain("\u001b");
  });

  it("colours the tag red for a critical alarm raised, green for a clear", () => {
    expect(alarmConsoleLine(RAISED, coloured)).toContain("\u001b[31mCRITICAL\u001b[39m");
    const cleared = { ...RAISED, state: { ...RAISED.state, value: "NORMAL", previous: "ACTIVE" } } as const;
    expect(alarmConsoleLine(cleared, coloured)).toContain("\u001b[32mRESOLVED\u001b[39m");
  });

  it("writes no escape codes without colour", () => {
    expect(alarmConsoleLine(RAISED, plain)).not.toContain("\u001b");
  });

  it("greys out a silenced event and names the silence", () => {
    const line = alarmConsoleLine(RAISED, { ...coloured, silencedBy: "line-2-maintenance" });
    expect(line).toBe(
      "\u001b[90m12:03:10 CRITICAL oven-3 NORMAL → ACTIVE temperature 262.4 > 250 for 60s (silenced by line-2-maintenance)\u001b[39m",
    );
  });
});

describe("notificationConsoleLine", () => {
  const message = {
    channel: "page",
    subject: "[CRITICAL] oven-3 ACTIVE - temperature 262.4 > 250 for 60s (plant-1/line-2)",
    texts: { default: "e-mail", email: "e-mail", sms: "sms" },
    attributes: {
      severity: "critical",
      state: "ACTIVE",
      alarmId: "oven-overheat:oven-3",
      kind: "transition",
    },
  } as const;
  const at = Date.parse("2026-11-25T12:03:10Z");

  it("prints the clock time and the subject, without its brackets", () => {
    expect(notificationConsoleLine(message, { ...plain, at })).toBe(
      "12:03:10 CRITICAL oven-3 ACTIVE - temperature 262.4 > 250 for 60s (plant-1/line-2)",
    );
  });

  it("colours the tag as the event asks: red raised, green cleared", () => {
    expect(notificationConsoleLine(message, { ...coloured, at })).toContain("\u001b[31mCRITICAL\u001b[39m");
    const cleared = {
      ...message,
      subject: "[RESOLVED] oven-3 NORMAL - temperature 238 < 240",
      attributes: { ...message.attributes, state: "NORMAL" },
    };
    expect(notificationConsoleLine(cleared, { ...coloured, at })).toContain("\u001b[32mRESOLVED\u001b[39m");
  });
});
