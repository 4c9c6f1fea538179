import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpApiServer, startHttpApiServer } from "../../../local/adapters/httpApiServer.ts";

describe("startHttpApiServer", () => {
  let server: HttpApiServer | undefined;
  const events: APIGatewayProxyEventV2WithIAMAuthorizer[] = [];

  afterEach(async () => {
    await server?.close();
    server = undefined;
    events.length = 0;
  });

  async function serve(
    answer: (event: APIGatewayProxyEventV2WithIAMAuthorizer) => APIGatewayProxyResultV2 = () => ({
      statusCode: 200,
      body: "{}",
    }),
    options: { basePath?: string; principal?: string; maxRequestBytes?: number } = {},
  ): Promise<HttpApiServer> {
    server = await startHttpApiServer({
      handler: async (event) => {
        events.push(event);
        return answer(event);
      },
      ...options,
    });
    return server;
  }

  it("turns a request into a payload 2.0 event with the route, path parameters and caller", async () => {
    const { url } = await serve(undefined, { basePath: "/api", principal: "arn:aws:iam::1:user/ana" });

    await fetch(`${url}/alarms/${encodeURIComponent("oven-overheat:oven 3")}/ack?x=1`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Trace": "abc" },
      body: JSON.stringify({ note: "checking" }),
    });

    const [event] = events;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /alarms/{alarmId}/{action}",
      rawPath: "/alarms/oven-overheat%3Aoven%203/ack",
      rawQueryString: "x=1",
      queryStringParameters: { x: "1" },
      pathParameters: { alarmId: "oven-overheat:oven 3", action: "ack" },
      body: '{"note":"checking"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: "POST", path: "/alarms/oven-overheat%3Aoven%203/ack" },
        routeKey: "POST /alarms/{alarmId}/{action}",
        authorizer: { iam: { userArn: "arn:aws:iam::1:user/ana", callerId: "arn:aws:iam::1:user/ana" } },
      },
    });
    expect(event?.headers).toMatchObject({ "content-type": "application/json", "x-trace": "abc" });
    expect(event?.requestContext.requestId).toMatch(/^local-/);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
  });

  it("joins repeated query parameters with commas, as API Gateway does", async () => {
    const { url } = await serve();

    await fetch(`${url}/alarms?state=ACTIVE&state=LATCHED&thing=oven-*`);

    expect(events[0]?.queryStringParameters).toEqual({ state: "ACTIVE,LATCHED", thing: "oven-*" });
    expect(events[0]?.pathParameters).toBeUndefined();
    expect(events[0]?.routeKey).toBe("GET /alarms");
  });

  it("passes a body that is not text base64-encoded", async () => {
    const { url } = await serve();
    const bytes = Buffer.from([0, 1, 2, 255]);

    await fetch(`${url}/rules/x`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });

    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString("base64") });
  });

  it("lets the handler answer an unknown route, with the $default route key", async () => {
    const { url } = await serve((event) => ({
      statusCode: 404,
      body: JSON.stringify({ path: event.rawPath }),
    }));

    const response = await fetch(`${url}/nothing/here`, { method: "PATCH" });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ path: "/nothing/here" });
    expect(events[0]).toMatchObject({ routeKey: "$default", requestContext: { http: { method: "PATCH" } } });
  });

  it("writes the status, headers and a base64 body back", async () => {
    const { url } = await serve(() => ({
      statusCode: 201,
      headers: { "X-Answer": "42" },
      body: Buffer.from("created").toString("base64"),
      isBase64Encoded: true,
    }));

    const response = await fetch(`${url}/devices`);

    expect(response.status).toBe(201);
    expect(response.headers.get("x-answer")).toBe("42");
    expect(await response.text()).toBe("created");
  });

  it("answers a C7 internal error when the handler throws, naming the request id", async () => {
    const { url } = await serve(() => {
      throw new Error("secret internals");
    });

    const response = await fetch(`${url}/devices`);
    const body = await response.json();

    expect(response.status).toBe(500);
    expect(body).toEqual({
      error: { code: "internal", message: "internal error", requestId: expect.any(String) },
    });
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("answers 404 outside the base path without calling the handler", async () => {
    const { url } = await serve(undefined, { basePath: "api/" });

    const response = await fetch(url.replace(/\/api$/, "/other/devices"));

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "route_not_found" } });
    expect(events).toHaveLength(0);
  });

  it("refuses a body over the size limit with 413 without calling the handler", async () => {
    const { url } = await serve(undefined, { maxRequestBytes: 1024 });

    const response = await fetch(`${url}/rules/x`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "x".repeat(2048),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(events).toHaveLength(0);
  });

  it("stops listening when closed", async () => {
    const { url } = await serve();

    await server?.close();
    server = undefined;

    await expect(fetch(`${url}/devices`)).rejects.toThrow();
  });
});
