import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeEndpoint,
  FakeServiceError,
  type LoggedRequest,
  startFakeEndpoint,
} from "./fakeEndpoint.ts";
import { awsJson, awsQuery } from "./fakeEndpointProtocols.ts";

const SIGNED = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/eu-west-1/demo/aws4_request";

describe("startFakeEndpoint", () => {
  let fake: FakeEndpoint<LoggedRequest>;

  beforeEach(async () => {
    fake = await startFakeEndpoint({
      services: [
        {
          name: "json",
          protocol: awsJson({ targetPrefix: "Demo_2026.", version: "1.1", errorNamespace: "com.demo" }),
          operations: {
            Echo: ({ body }) => ({ echoed: body }),
            Explode: () => {
              throw new Error("a bug in the fake");
            },
          },
        },
        {
          name: "query",
          protocol: awsQuery({ version: "2026-01-01", xmlNamespace: "https://demo/" }),
          operations: { Ping: ({ body }) => `<Name>${(body as Record<string, string>).Name}</Name>` },
        },
      ],
    });
  });
  afterEach(() => fake.stop());

  const callJson = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(fake.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `Demo_2026.${operation}`,
        authorization: SIGNED,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it("routes by operation and logs method, service, operation, headers, parsed body and status", async () => {
    const response = await callJson("Echo", { a: 1 });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: { a: 1 } });
    expect(fake.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        url: "/",
        service: "json",
        operation: "Echo",
        body: { a: 1 },
        status: 200,
        headers: expect.objectContaining({ "x-amz-target": "Demo_2026.Echo" }),
      }),
    ]);
  });

  it("serves several protocols on one port, each answering in its own shape", async () => {
    const response = await fetch(fake.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: SIGNED },
      body: "Action=Ping&Version=2026-01-01&Name=a%26b",
    });

    expect(await response.text()).toMatch(
      /^<PingResponse xmlns="https:\/\/demo\/"><PingResult><Name>a&b<\/Name><\/PingResult>/,
    );
    expect(fake.requests.map(({ service, operation }) => `${service} ${operation}`)).toEqual(["query Ping"]);
  });

  it("answers the next scripted calls of an operation that match, then serves them again", async () => {
    fake.script("Echo", new FakeServiceError(400, "ThrottlingException", "Rate exceeded"), {
      times: 2,
      where: (call) => (call.body as { a?: number }).a === 1,
    });

    const statuses: number[] = [];
    for (const a of [2, 1, 1, 1]) statuses.push((await callJson("Echo", { a })).status);

    expect(statuses).toEqual([200, 400, 400, 200]);
    expect(fake.requests.map((request) => request.errorType)).toEqual([
      undefined,
      "ThrottlingException",
      "ThrottlingException",
      undefined,
    ]);
  });

  it("sends a scripted error in the protocol's shape", async () => {
    fake.script(undefined, new FakeServiceError(500, "InternalError", "try again"));

    const response = await callJson("Echo", {});

    expect(response.status).toBe(500);
    expect(response.headers.get("x-amzn-errortype")).toBe("InternalError");
    expect(await response.json()).toEqual({ __type: "com.demo#InternalError", message: "try again" });
  });

  it("refuses an operation it does not serve, and a request no protocol reads", async () => {
    const unknownOperation = await callJson("Delete", {});
    const unknownPath = await fetch(`${fake.endpoint}/elsewhere`, { method: "GET" });

    expect(unknownOperation.status).toBe(400);
    expect(await unknownOperation.json()).toMatchObject({ __type: "com.demo#UnknownOperationException" });
    expect(unknownPath.status).toBe(404);
    expect(fake.requests.map(({ operation, status, errorType }) => [operation, status, errorType])).toEqual([
      ["Delete", 400, "UnknownOperationException"],
      ["", 404, "UnknownOperationException"],
    ]);
  });

  it("refuses an unsigned request, a body that is not JSON, and answers 500 when an operation fails", async () => {
    const unsigned = await callJson("Echo", {}, { authorization: "" });
    const notJson = await fetch(fake.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "Demo_2026.Echo",
        authorization: SIGNED,
      },
      body: "{",
    });
    const broken = await callJson("Explode", {});

    expect([unsigned.status, notJson.status, broken.status]).toEqual([403, 400, 500]);
    expect(fake.requests.map((request) => request.errorType)).toEqual([
      "MissingAuthenticationTokenException",
      "SerializationException",
      "InternalFailure",
    ]);
    expect(((await broken.json()) as { message: string }).message).toContain("a bug in the fake");
  });
});
