import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CliError, UsageError } from "../../cli/errors.ts";
import { awsClientConfig, resolveStackOutput } from "../../cli/target.ts";
import { TEST_CLIENT_CONFIG } from "../support/awsClients.ts";
import { type LocalServer, startLocalServer } from "../support/localHttpServer.ts";

const NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/** A DescribeStacks answer in the query protocol's XML, with the given outputs. */
function describeStacksReply(stackName: string, outputs: Record<string, string>): string {
  const members = Object.entries(outputs)
    .map(
      ([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
    )
    .join("");
  return `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member>
<StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${stackName}/1</StackId>
<CreationTime>2026-11-25T12:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>
<Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
}

const notFound = (stackName: string) =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stackName} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`;

describe("resolveStackOutput", () => {
  let server: LocalServer;
  let cloudFormation: CloudFormationClient;
  const requested: string[] = [];
  const stacks: Record<string, Record<string, string>> = {
    "plantwatch-dev": { RulesTableName: "plantwatch-dev-RulesTable-ABC", TopicRoot: "dt/plantwatch" },
    "plantwatch-old": { TopicRoot: "dt/plantwatch" },
  };

  beforeAll(async () => {
    server = await startLocalServer(({ body }) => {
      const stackName = new URLSearchParams(body.toString()).get("StackName") ?? "";
      requested.push(stackName);
      const outputs = stacks[stackName];
      return outputs === undefined
        ? { status: 400, headers: { "content-type": "text/xml" }, body: notFound(stackName) }
        : {
            status: 200,
            headers: { "content-type": "text/xml" },
            body: describeStacksReply(stackName, outputs),
          };
    });
    cloudFormation = new CloudFormationClient({
      ...TEST_CLIENT_CONFIG,
      endpoint: server.endpoint,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    cloudFormation.destroy();
    await server.stop();
  });
  beforeEach(() => {
    requested.length = 0;
  });

  it("reads the output of the named stack", async () => {
    const table = await resolveStackOutput(
      { stack: "plantwatch-dev" },
      "rulesTable",
      { value: undefined, flag: "--table" },
      cloudFormation,
    );

    expect(table).toBe("plantwatch-dev-RulesTable-ABC");
    expect(requested).toEqual(["plantwatch-dev"]);
  });

  it("takes the named resource without asking CloudFormation", async () => {
    const table = await resolveStackOutput(
      { stack: "plantwatch-dev" },
      "rulesTable",
      { value: "my-table", flag: "--table" },
      cloudFormation,
    );

    expect(table).toBe("my-table");
    expect(requested).toEqual([]);
  });

  it("says when the stack does not exist (exit 2)", async () => {
    const result = resolveStackOutput(
      { stack: "nope" },
      "rulesTable",
      { value: undefined, flag: "--table" },
      cloudFormation,
    );

    await expect(result).rejects.toBeInstanceOf(CliError);
    await expect(result).rejects.toMatchObject({
      exitCode: 2,
      message:
        "stack nope does not exist in eu-west-1: deploy it (npx cdk deploy), or choose another with --stack/--region",
    });
  });

  it("says when the stack predates the output (exit 2)", async () => {
    const result = resolveStackOutput(
      { stack: "plantwatch-old" },
      "rulesTable",
      { value: undefined, flag: "--table" },
      cloudFormation,
    );

    await expect(result).rejects.toMatchObject({
      exitCode: 2,
      message:
        "stack plantwatch-old has no output RulesTableName: deploy the current version (npx cdk deploy), or give --table",
    });
  });

  it("refuses a local endpoint without the resource named (exit 1)", async () => {
    const result = resolveStackOutput(
      { stack: "plantwatch-dev", endpoint: "http://127.0.0.1:1" },
      "rulesTable",
      { value: undefined, flag: "--table" },
      cloudFormation,
    );

    await expect(result).rejects.toBeInstanceOf(UsageError);
    expect(requested).toEqual([]);
  });
});

describe("awsClientConfig", () => {
  it("passes region and profile through for AWS", () => {
    expect(awsClientConfig({ stack: "s", region: "eu-central-1", profile: "ops" })).toEqual({
      region: "eu-central-1",
      profile: "ops",
    });
  });

  it("gives a local endpoint a region and placeholder credentials", () => {
    expect(awsClientConfig({ stack: "s", endpoint: "http://localhost:8000" })).toEqual({
      endpoint: "http://localhost:8000",
      region: "us-east-1",
      credentials: { accessKeyId: "plantwatch-local", secretAccessKey: "plantwatch-local" },
    });
  });
});
