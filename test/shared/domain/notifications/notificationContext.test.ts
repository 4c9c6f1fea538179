import { describe, expect, it } from "vitest";
import {
  ackCommandFor,
  alarmUrl,
  defaultAckCommand,
} from "../../../../shared/domain/notifications/notificationContext.ts";

describe("defaultAckCommand", () => {
  it("needs no quoting for a C5 alarm id", () => {
    expect(defaultAckCommand("oven-overheat:oven-3")).toBe("npx plantwatch alarms ack oven-overheat:oven-3");
  });

  it("quotes any other id so the command pastes safely", () => {
    expect(defaultAckCommand("a b;rm -rf ~'x")).toBe(`npx plantwatch alarms ack 'a b;rm -rf ~'\\''x'`);
  });
});

describe("ackCommandFor", () => {
  it("uses the deployment's command when it has one", () => {
    expect(ackCommandFor({ ackCommand: (id) => `ack ${id}` }, "r:t")).toBe("ack r:t");
    expect(ackCommandFor({}, "r:t")).toBe("npx plantwatch alarms ack r:t");
  });
});

describe("alarmUrl", () => {
  it("joins the console's base and the encoded alarm id", () => {
    expect(alarmUrl({ consoleUrl: "https://pw.example.com/ops/" }, "r:t")).toBe(
      "https://pw.example.com/ops/alarms/r%3At",
    );
  });

  it("gives no link without a console", () => {
    expect(alarmUrl({}, "r:t")).toBeUndefined();
    expect(alarmUrl({ consoleUrl: "" }, "r:t")).toBeUndefined();
  });
});
