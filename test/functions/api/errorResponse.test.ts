import { DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperatorApi } from "../../../functions/api/app.ts";
import { encodeCursor } from "../../../functions/api/protocol/cursor.ts";
import { DynamoDbSilenceStore } from "../../../shared/adapters/aws/dynamoDbSilenceStore.ts";
import { API_LIMITS } from "../../../shared/contracts/operatorApi.ts";
import { ConcurrentUpdateError } from "../../../shared/errors.ts";
import { apiEvent, startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";
import { call, lambdaContext } from "./support.ts";

describe("operator API: errors", () => {
  let api: TestOperatorApi;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers 404 route_not_found for a path that is no route", async () => {
    const { status, body } = await call(api.url, "GET", "/devices/oven-3/secrets");

    expect(status).toBe(404);
    expect(body).toEqual({
      error: {
        code: "route_not_found",
        message: "no route for GET /devices/oven-3/secrets",
        requestId: expect.any(String),
      },
    });
  });

  it("answers 405 method_not_allowed with the allowed methods for a known path", async () => {
    const { status, body, headers } = await call(api.url, "PATCH", "/rules/oven-overheat", {});

    expect(status).toBe(405);
    expect(body.error.code).toBe("method_not_allowed");
    expect(headers.get("allow")).toBe("PUT, DELETE");
  });

  it.each([
    ["an unknown parameter", "/devices?colour=red", "query.colour"],
    ["a parameter on a route that takes none", "/rules?all=1", "query.all"],
    ["a zero limit", "/alarms?limit=0", "query.limit"],
    ["a limit over the maximum", `/alarms?limit=${API_LIMITS.maxPageSize + 1}`, "query.limit"],
    ["a limit that is not a number", "/devices?limit=ten", "query.limit"],
    ["a cursor that is not one", "/alarms?next=not-a-cursor!", "query.next"],
    ["a cursor of another list", `/alarms?next=${encodeCursor("devices", "oven-3")}`, "query.next"],
    ["an unknown state", "/alarms?state=ACTIVE,EXPLODED", "query.state"],
    ["an unknown severity", "/alarms?severity=apocalyptic", "query.severity"],
    ["a thing glob with SQL", "/alarms?thing=oven'%20OR%201%3D1", "query.thing"],
    ["a site with a control character", "/devices?site=plant%0A1", "query.site"],
    ["an alarm id without a thing", "/alarms/oven-overheat", "path.alarmId"],
    ["an alarm id without a rule", "/alarms/:oven-3", "path.alarmId"],
    ["an alarm id with an invalid rule id", "/alarms/Oven_Overheat:oven-3", "path.alarmId"],
    ["an alarm id with a unicode thing", "/alarms/oven-overheat:%E2%98%83", "path.alarmId"],
    ["a thing name over 128 characters", `/devices/${"a".repeat(129)}`, "path.thingName"],
  ])("refuses %s with 400 and the parameter named", async (_case, path, detailPath) => {
    const { status, body } = await call(api.url, "GET", path);

    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((detail: { path: string }) => detail.path)).toContain(detailPath);
  });

  it("lists every problem of a request at once", async () => {
    const { body } = await call(api.url, "GET", "/alarms?state=X&severity=Y&limit=0");

    expect(body.error.details.map((detail: { path: string }) => detail.path)).toEqual([
      "query.state",
      "query.severity",
      "query.limit",
    ]);
    expect(body.error.message).toBe("3 problems with the request");
  });

  it.each([
    ["an unknown action", "/alarms/oven-overheat:oven-3/explode", {}, "path.action"],
    [
      "an unknown body field",
      "/alarms/oven-overheat:oven-3/ack",
      { note: "x", priority: 1 },
      "body.priority",
    ],
    ["a body that is not an object", "/alarms/oven-overheat:oven-3/ack", [1, 2], "body"],
    ["a note that is not a string", "/alarms/oven-overheat:oven-3/ack", { note: 42 }, "body.note"],
    [
      "a note over 1000 characters",
      "/alarms/oven-overheat:oven-3/ack",
      { note: "x".repeat(1001) },
      "body.note",
    ],
    ["a note with a NUL byte", "/alarms/oven-overheat:oven-3/ack", { note: "ok\u0000" }, "body.note"],
    ["a duration on acknowledge", "/alarms/oven-overheat:oven-3/ack", { duration: "5m" }, "body.duration"],
    ["a snooze over 7 days", "/alarms/oven-overheat:oven-3/snooze", { duration: "8d" }, "body.duration"],
    [
      "a snooze that is not a duration",
      "/alarms/oven-overheat:oven-3/snooze",
      { duration: "soon" },
      "body.duration",
    ],
  ])("refuses an action with %s, leaving the alarm as it was", async (_case, path, body, detailPath) => {
    const published = api.events.length;

    const { status, body: answer } = await call(api.url, "POST", path, body);

    expect(status).toBe(400);
    expect(answer.error.details.map((detail: { path: string }) => detail.path)).toContain(detailPath);
    expect(api.events.length).toBe(published);
    expect((await call(api.url, "GET", "/alarms/oven-overheat:oven-3")).body.state).toBe("ACTIVE");
  });

  it("refuses a body that is not JSON", async () => {
    const { status, body } = await call(api.url, "PUT", "/rules/oven-overheat", "{ not json");

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "body", message: "is not JSON" }]);
  });

  it("refuses a missing body where one is required", async () => {
    const { status, body } = await call(api.url, "PUT", "/silences/window");

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "body", message: expect.stringContaining("required") }]);
  });

  it.each([
    ["PUT", "/rules/oven-overheat"],
    ["PUT", "/silences/window"],
    ["POST", "/alarms/oven-overheat:oven-3/ack"],
  ])("refuses a body over 64 KB on %s %s with 413 before parsing it", async (method, path) => {
    const oversized = `{"note":"${"x".repeat(API_LIMITS.maxBodyBytes)}"}`;

    const { status, body } = await call(api.url, method, path, oversized);

    expect(status).toBe(413);
    expect(body.error.code).toBe("payload_too_large");
  });

  it("reads a base64-encoded body as API Gateway passes binary content", async () => {
    await api.sendTelemetry("oven-31", { temperature: 300 });
    const event = apiEvent("POST", "/alarms/oven-overheat:oven-31/ack", {
      body: Buffer.from(JSON.stringify({ note: "from base64" })).toString("base64"),
    });

    const result = await api.handler({ ...event, isBase64Encoded: true }, lambdaContext());

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "{}").event.actor.note).toBe("from base64");
  });

  it("names the request id of the event in the error", async () => {
    const result = await api.handler(apiEvent("GET", "/nowhere"), lambdaContext());

    expect(JSON.parse(result.body ?? "{}").error.requestId).toBe("req-1");
  });

  it("answers 503 unavailable when DynamoDB throttles", async () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
    const mock = mockClient(client);
    mock
      .on(ScanCommand)
      .rejects(
        new ProvisionedThroughputExceededException({ message: "Rate of requests exceeds", $metadata: {} }),
      );
    const handler = createOperatorApi({
      ...api.deps,
      silences: new DynamoDbSilenceStore({ tableName: "silences", client }),
    });

    const result = await handler(apiEvent("GET", "/silences"), lambdaContext());

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? "{}").error.code).toBe("unavailable");
    mock.restore();
  });

  it("answers 503 unavailable when a store's connection is reset before it answers", async () => {
    const handler = createOperatorApi({
      ...api.deps,
      registry: {
        get: api.deps.registry.get.bind(api.deps.registry),
        list: async () => {
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        },
      },
    });

    const result = await handler(apiEvent("GET", "/devices"), lambdaContext());

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? "{}").error.code).toBe("unavailable");
  });

  it("answers 409 conflict when the alarm kept changing under the action", async () => {
    const handler = createOperatorApi({
      ...api.deps,
      engine: {
        act: async () => {
          throw new ConcurrentUpdateError("oven-3", 8);
        },
      },
    });

    const result = await handler(apiEvent("POST", "/alarms/oven-overheat:oven-3/ack"), lambdaContext());

    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body ?? "{}").error.code).toBe("conflict");
  });

  it("answers 500 internal for a bug, without its message, and logs it", async () => {
    const logged: unknown[] = [];
    const handler = createOperatorApi({
      ...api.deps,
      registry: {
        get: api.deps.registry.get.bind(api.deps.registry),
        list: async () => {
          throw new TypeError("cannot read properties of undefined (reading 'secretTableName')");
        },
      },
      log: { error: (_message, extra) => logged.push(extra?.error), warn: () => undefined },
    });

    const result = await handler(apiEvent("GET", "/devices"), lambdaContext());

    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? "{}")).toEqual({
      error: { code: "internal", message: expect.any(String), requestId: "req-1" },
    });
    expect(result.body).not.toContain("secretTableName");
    expect(logged).toEqual([expect.any(TypeError)]);
  });
});
