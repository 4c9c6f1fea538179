import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeLambda, localLambdaClient, startFakeLambda } from "./fakeLambda.ts";

const ARN = "arn:aws:lambda:eu-west-1:123456789012:function:plantwatch-dev-Ingest";

describe("fake Lambda", () => {
  let lambda: FakeLambda;
  let client: LambdaClient;

  beforeAll(async () => {
    lambda = await startFakeLambda();
    client = localLambdaClient(lambda.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await lambda.stop();
  });

  it("answers an asynchronous Invoke 202 and records the function, invocation type and payload", async () => {
    const { StatusCode } = await client.send(
      new InvokeCommand({ FunctionName: ARN, InvocationType: "Event", Payload: Buffer.from('{"a":1}') }),
    );

    expect(StatusCode).toBe(202);
    expect(lambda.invocations().at(-1)).toEqual({
      functionName: ARN,
      invocationType: "Event",
      payload: { a: 1 },
      status: 202,
    });
  });

  it("answers scripted failures as the SDK's named exceptions, once", async () => {
    lambda.fail("notFound", { where: (functionName) => functionName === ARN });
    const invoke = () =>
      client.send(
        new InvokeCommand({ FunctionName: ARN, InvocationType: "Event", Payload: Buffer.from("{}") }),
      );

    await expect(invoke()).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(invoke()).resolves.toMatchObject({ StatusCode: 202 });
  });

  it("refuses a payload that is not JSON", async () => {
    await expect(
      client.send(
        new InvokeCommand({ FunctionName: ARN, InvocationType: "Event", Payload: Buffer.from("{") }),
      ),
    ).rejects.toMatchObject({ name: "InvalidRequestContentException" });
  });
});
