import { describe, expect, it } from "vitest";
import { pathOf, routeOf, type View } from "../../dashboard/src/route.ts";
import { alarmUrl } from "../../shared/domain/notifications/notificationContext.ts";

describe("routeOf", () => {
  it.each(["/", "/index.html"])("reads %s as the overview", (path) => {
    expect(routeOf(path)).toEqual({ kind: "overview" });
  });

  it("reads /kpis as the equipment KPIs", () => {
    expect(routeOf("/kpis")).toEqual({ kind: "kpis" });
  });

  it("reads an alarm's page with its id decoded", () => {
    expect(routeOf("/alarms/oven-overheat%3Aoven-3")).toEqual({
      kind: "alarm",
      alarmId: "oven-overheat:oven-3",
    });
  });

  it("takes an id left unencoded, as a person types it", () => {
    expect(routeOf("/alarms/oven-overheat:oven-3")).toEqual({
      kind: "alarm",
      alarmId: "oven-overheat:oven-3",
    });
  });

  it("opens the page a notification links to", () => {
    const alarmId = "oven-overheat:oven 3/ä";
    const link = alarmUrl({ consoleUrl: "https://console.example.com/" }, alarmId);

    expect(routeOf(new URL(link ?? "").pathname)).toEqual({ kind: "alarm", alarmId });
  });

  it.each([
    ["no id", "/alarms/"],
    ["the list path", "/alarms"],
    ["a path below an alarm", "/alarms/a:b/history"],
    ["a trailing slash", "/alarms/a:b/"],
    ["a malformed escape", "/alarms/a%E0%A4%A"],
    ["an asset", "/app.js"],
    ["a path below the KPIs", "/kpis/line-1"],
    ["the API", "/api/alarms/a%3Ab"],
  ])("reads %s as no page", (_, path) => {
    expect(routeOf(path)).toEqual({ kind: "notFound", path });
  });
});

describe("pathOf", () => {
  it.each<View>([
    { kind: "overview" },
    { kind: "alarm", alarmId: "oven-overheat:oven-3" },
    { kind: "alarm", alarmId: "rule:thing/with space?#" },
    { kind: "kpis" },
    { kind: "notFound", path: "/nothing" },
  ])("gives a path routeOf reads back as %j", (view) => {
    expect(routeOf(pathOf(view))).toEqual(view);
  });

  it("encodes the id as notifications do", () => {
    expect(pathOf({ kind: "alarm", alarmId: "oven-overheat:oven-3" })).toBe("/alarms/oven-overheat%3Aoven-3");
  });
});
