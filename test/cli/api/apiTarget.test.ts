import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_API_URL, operatorApiClient, signingRegion } from "../../../cli/api/apiTarget.ts";
import { alarmsCommand } from "../../../cli/commands/alarms.ts";
import { UsageError } from "../../../cli/errors.ts";
import type { AlarmView } from "../../../shared/contracts/operatorApi.ts";
import { TEST_CLIENT_CONFIG } from "../../support/awsClients.ts";
import { runCli } from "../../support/cliHarness.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";
import { verifySigV4 } from "./sigV4Verifier.ts";

const CREDENTIALS = { accessKeyId: "AKIDOPERATOR", secretAccessKey: "operator-secret" };
const NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

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

describe("signingRegion", () => {
  it("reads the region from an execute-api host name, before --region", () => {
    expect(signingRegion("https://a1b2c3.execute-api.eu-central-1.amazonaws.com/prod", "us-east-1", {})).toBe(
      "eu-central-1",
    );
  });

  it("takes --region, then the environment, for any other host", () => {
    expect(signingRegion("https://api.plant.example", "eu-west-1", { AWS_REGION: "us-east-1" })).toBe(
      "eu-west-1",
    );
    expect(signingRegion("https://api.plant.example", undefined, { AWS_DEFAULT_REGION: "ap-south-1" })).toBe(
      "ap-south-1",
    );
  });

  it("asks for --region when nothing tells", () => {
    expect(() => signingRegion("https://api.plant.example", undefined, {})).toThrow(UsageError);
    expect(() => signingRegion("https://api.plant.example", undefined, {})).toThrow(
      "cannot tell which region https://api.plant.example is in, to sign requests for it: pass --region",
    );
  });
});

describe("operatorApiClient", () => {
  it("uses the local stack's default URL unsigned with --local", async () => {
    const client = await operatorApiClient({ stack: "plantwatch-dev", local: true, timeout: 30 });

    expect(client.baseUrl).toBe(LOCAL_API_URL);
  });
});

/**
 * The CLI against AWS as closely as a test gets: the API's URL from the stack output, and in front
 * of the real API handler a gateway that refuses what does not carry a valid signature, as
 * API Gateway's IAM authorisation does.
 */
describe("an operator command against a signed API found by stack name", () => {
  let api: TestOperatorApi;
  let gateway: LocalServer;
  let cloudFormationEndpoint: LocalServer;
  let cloudFormation: CloudFormationClient;
  const arrived: LocalRequest[] = [];
  const outputs: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.seedActiveAlarm();
    gateway = await startLocalServer(async (request) => {
      arrived.push(request);
      const verdict = await verifySigV4(request, { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey });
      if (!verdict.ok) return { status: 403, body: JSON.stringify({ message: verdict.reason }) };
      const path = request.url.replace(/^\/prod/, "");
      const response = await fetch(`${api.url}${path}`, {
        method: request.method,
        headers: { "content-type": "application/json" },
        ...(request.body.length === 0 ? {} : { body: request.body }),
      });
      return {
        status: response.status,
        headers: { "content-type": "application/json" },
        body: Buffer.from(await response.arrayBuffer()),
      };
    });
    outputs["plantwatch-dev"] = { ApiUrl: `${gateway.endpoint}/prod/` };
    outputs["plantwatch-old"] = { TopicRoot: "dt/plantwatch" };
    cloudFormationEndpoint = await startLocalServer(({ body }) => {
      const stackName = new URLSearchParams(body.toString()).get("StackName") ?? "";
      return {
        status: 200,
        headers: { "content-type": "text/xml" },
        body: describeStacksReply(stackName, outputs[stackName] ?? {}),
      };
    });
    cloudFormation = new CloudFormationClient({
      ...TEST_CLIENT_CONFIG,
      endpoint: cloudFormationEndpoint.endpoint,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    cloudFormation.destroy();
    await cloudFormationEndpoint.stop();
    await gateway.stop();
    await api.close();
  });
  beforeEach(() => {
    arrived.length = 0;
  });

  const alarms = (args: readonly string[], credentials = CREDENTIALS) =>
    runCli((io) => alarmsCommand(io, { cloudFormation, credentials }), args);

  it("signs every request with the caller's credentials for the region", async () => {
    const listed = await alarms(["list", "--json", "--region", "eu-west-1"]);
    const acknowledged = await alarms([
      "ack",
      "oven-overheat:oven-3",
      "--note",
      "on it",
      "--region",
      "eu-west-1",
    ]);

    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as AlarmView[]).map((alarm) => alarm.alarmId)).toEqual([
      "oven-overheat:oven-3",
    ]);
    expect(acknowledged).toMatchObject({ code: 0, stdout: "oven-overheat:oven-3: ACTIVE → ACKNOWLEDGED\n" });
    expect(arrived.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /prod/alarms",
      "POST /prod/alarms/oven-overheat%3Aoven-3/ack",
    ]);
    for (const request of arrived) {
      expect(
        await verifySigV4(request, { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey }),
      ).toMatchObject({
        ok: true,
        region: "eu-west-1",
      });
    }
  });

  it("signs with --api-url too", async () => {
    const run = await alarms([
      "list",
      "--json",
      "--api-url",
      `${gateway.endpoint}/prod`,
      "--region",
      "eu-west-1",
    ]);

    expect(run.code).toBe(0);
    expect(arrived[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDOPERATOR\//);
  });

  it("exits 2 with a hint when the gateway refuses the credentials", async () => {
    const run = await alarms(["list", "--region", "eu-west-1"], { ...CREDENTIALS, secretAccessKey: "wrong" });

    expect(run).toMatchObject({
      code: 2,
      stderr:
        "error: http_403: signature mismatch (check the AWS credentials (--profile) and that they allow execute-api:Invoke on the API)\n",
    });
  });

  it("exits 2 when the stack has no ApiUrl output", async () => {
    const run = await alarms(["list", "--stack", "plantwatch-old", "--region", "eu-west-1"]);

    expect(run).toMatchObject({
      code: 2,
      stderr:
        "error: stack plantwatch-old has no output ApiUrl: deploy the current version (npx cdk deploy), or give --api-url\n",
    });
    expect(arrived).toEqual([]);
  });

  it("exits 1 for --api-url together with --local", async () => {
    const run = await alarms(["list", "--api-url", "https://example.com", "--local"]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot be used with option '--local");
  });
});
