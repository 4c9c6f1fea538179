import { describe, expect, it } from "vitest";
import { matchOperatorRoute } from "../../../../functions/api/protocol/routeMatch.ts";

describe("matchOperatorRoute", () => {
  it("names the route and decodes its path parameters", () => {
    expect(matchOperatorRoute("POST", "/alarms/oven-overheat%3Aoven-3/ack")).toEqual({
      kind: "route",
      route: "POST /alarms/{alarmId}/{action}",
      pathParameters: { alarmId: "oven-overheat:oven-3", action: "ack" },
    });
  });

  it("names the change feed rather than an alarm called `changes`", () => {
    expect(matchOperatorRoute("GET", "/alarms/changes")).toEqual({
      kind: "route",
      route: "GET /alarms/changes",
      pathParameters: {},
    });
  });

  it("takes a trailing slash, as the router does", () => {
    expect(matchOperatorRoute("GET", "/devices/")).toMatchObject({ kind: "route", route: "GET /devices" });
  });

  it("tells a known path with another method from an unknown path", () => {
    expect(matchOperatorRoute("POST", "/rules/oven")).toEqual({
      kind: "method_not_allowed",
      allowed: ["PUT", "DELETE"],
    });
    expect(matchOperatorRoute("GET", "/rules/oven/extra")).toEqual({ kind: "none" });
  });

  it("keeps a parameter to one segment and refuses a segment that does not decode", () => {
    expect(matchOperatorRoute("GET", "/devices//telemetry")).toEqual({ kind: "none" });
    expect(matchOperatorRoute("GET", "/devices/%E2%28/telemetry")).toEqual({ kind: "none" });
  });
});
