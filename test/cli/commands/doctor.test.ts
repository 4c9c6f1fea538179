import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { doctorCommand } from "../../../cli/commands/doctor.ts";
import { DOCTOR_ALARM_REASON, DOCTOR_THING } from "../../../doctor/runDoctor.ts";
import { runCli } from "../../support/cliHarness.ts";
import {
  type DeploymentCall,
  type DeploymentState,
  type FakeDeployment,
  startFakeDeployment,
} from "../../support/fakeDeployment.ts";

const STACK = "plantwatch-dev";
const OPS_TOPIC = "arn:aws:sns:eu-west-1:123456789012:plantwatch-dev-TopicsOps-ABC";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/plantwatch-dev-dlq";
const OUTPUTS = {
  RegistryTableName: "plantwatch-dev-DeviceRegistry-1",
  DeadLetterQueueUrl: QUEUE_URL,
  IngestFunctionName: "plantwatch-dev-Ingest-1",
  TelemetryRuleName: "plantwatch_dev_telemetry",
  DevicePolicyName: "plantwatch-dev-DevicePolicy-1",
  TopicRoot: "dt/plantwatch-dev",
  EvaluateFunctionName: "plantwatch-dev-Evaluate-1",
  SweepFunctionName: "plantwatch-dev-Sweep-1",
  ApiUrl: "https://abc.execute-api.eu-west-1.amazonaws.com/",
  OpsTopicArn: OPS_TOPIC,
};
const STORED = { messages: 1, stored: 1, quarantined: {}, retries: 0, unwritten: 0, lastSeenFailures: 0 };

function healthy(): DeploymentState {
  return {
    stackName: STACK,
    outputs: { ...OUTPUTS },
    alarmActionSummary: (_alarm, topic) => `Successfully executed action ${topic}`,
    subscriptions: [{ protocol: "email", endpoint: "plant-ops@example.com", confirmed: true }],
    ingest: () => ({ payload: STORED }),
    rules: { plantwatch_dev_telemetry: false, plantwatch_dev_lifecycle: false },
    queue: { visible: 0, inFlight: 0 },
  };
}

describe("plantwatch doctor", () => {
  let deployment: FakeDeployment;

  beforeAll(async () => {
    deployment = await startFakeDeployment(healthy());
  });
  beforeEach(() => {
    Object.assign(deployment.state, healthy());
    deployment.clearHistory();
  });
  afterAll(() => deployment.stop());

  async function doctor(args: readonly string[] = []) {
    const callsBefore = deployment.calls.length;
    const statesBefore = deployment.alarmStates.length;
    // Polls of the alarm history do not wait: the wait is counted in poll intervals, not measured.
    const run = await runCli(
      (io) => doctorCommand(io, { clients: () => deployment.clients(), pollMs: 250, sleep: async () => {} }),
      ["--stack", STACK, "--alarm-wait", "1", ...args],
    );
    return {
      ...run,
      calls: deployment.calls.slice(callsBefore),
      alarmStates: deployment.alarmStates.slice(statesBefore),
    };
  }

  it("passes a healthy deployment: one ok line per check, exit 0", async () => {
    const run = await doctor();

    expect(run.code).toBe(0);
    expect(
      run.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(0, 24).trimEnd()),
    ).toEqual([
      "ok    stack outputs",
      "ok    ops alarm path",
      "ok    ops subscriptions",
      "ok    series store",
      "ok    telemetry rule",
      "ok    lifecycle rule",
      "ok    dead-letter queue",
    ]);
    // The dead-letter alarm went to ALARM with the doctor's reason, and back to OK.
    expect(run.alarmStates).toEqual([
      `${STACK}-dead-letters=ALARM (${DOCTOR_ALARM_REASON})`,
      `${STACK}-dead-letters=OK (plantwatch doctor: check done)`,
    ]);
    // The probe: one synchronous direct-mode telemetry event for the reserved thing.
    const invokes = run.calls.filter((call) => call.operation === "Invoke");
    expect(invokes).toHaveLength(1);
    const { functionName, invocationType, event } = (invokes[0] as DeploymentCall).params as {
      functionName: string;
      invocationType: string;
      event: { payload: string; thingName: string; receivedAt: number; clientId: string };
    };
    expect([functionName, invocationType, event.thingName, event.clientId]).toEqual([
      OUTPUTS.IngestFunctionName,
      "RequestResponse",
      DOCTOR_THING,
      DOCTOR_THING,
    ]);
    expect(JSON.parse(Buffer.from(event.payload, "base64").toString())).toEqual({
      ts: event.receivedAt,
      metrics: { doctor_probe: 1 },
    });
    expect(
      run.calls.filter((call) => call.operation === "GetTopicRule").map((call) => call.params.ruleName),
    ).toEqual(["plantwatch_dev_telemetry", "plantwatch_dev_lifecycle"]);
    expect(run.calls.find((call) => call.operation === "GetQueueAttributes")?.params).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    });
    expect(run.calls.find((call) => call.operation === "DescribeAlarmHistory")?.params).toMatchObject({
      AlarmName: `${STACK}-dead-letters`,
      HistoryItemType: "Action",
    });
  });

  it("fails the alarm path when CloudWatch cannot use the key, names the key policy, and resets the alarm", async () => {
    deployment.state.alarmActionSummary = (_alarm, topic) =>
      `Failed to execute action ${topic}. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`;

    const run = await doctor(["--json"]);

    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as {
      check: string;
      status: string;
      detail: string;
      fix?: string;
    }[];
    const alarmPath = results.find((result) => result.check === "ops alarm path");
    expect(alarmPath).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("Failed to execute action"),
    });
    expect(alarmPath?.fix).toContain("AllowCloudWatchAlarmsToPublishToTheOpsTopic");
    expect(results.filter((result) => result.status !== "ok").map((result) => result.check)).toEqual([
      "ops alarm path",
    ]);
    expect(run.alarmStates.at(-1)).toMatch(/=OK /);
  });

  it("fails the alarm path when no action shows within the wait", async () => {
    deployment.state.alarmActionSummary = undefined;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}ops alarm path +plantwatch-dev-dead-letters: no SNS action in its history within 1 s/,
    );
    expect(run.alarmStates.at(-1)).toMatch(/=OK /);
  });

  it("fails a disabled rule with the command that enables it", async () => {
    deployment.state.rules.plantwatch_dev_lifecycle = true;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("FAIL  lifecycle rule");
    expect(run.stdout).toContain("aws iot enable-topic-rule --rule-name plantwatch_dev_lifecycle");
  });

  it("fails a missing rule", async () => {
    delete deployment.state.rules.plantwatch_dev_telemetry;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}telemetry rule +plantwatch_dev_telemetry does not exist/);
  });

  it("fails a non-empty dead-letter queue and points to dlq list", async () => {
    deployment.state.queue = { visible: 3, inFlight: 1 };
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}dead-letter queue +3 waiting, 1 being received/);
    expect(run.stdout).toContain("run plantwatch dlq list");
  });

  it("warns of a pending subscription but passes; fails when none is confirmed", async () => {
    deployment.state.subscriptions.push({ protocol: "sms", endpoint: "+4915112345678", confirmed: false });
    const warned = await doctor();
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/warn {2}ops subscriptions +1 confirmed; pending: sms \+4915112345678/);

    deployment.state.subscriptions = [{ protocol: "email", endpoint: "a@example.com", confirmed: false }];
    const failed = await doctor();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /FAIL {2}ops subscriptions +no confirmed subscription; pending: email a@example.com/,
    );
  });

  it("fails the series store when the ingest function fails, with its error", async () => {
    deployment.state.ingest = () => ({
      functionError: "Unhandled",
      payload: { errorType: "IngestIncompleteError", errorMessage: "1 of 1 samples unwritten" },
    });
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}series store +the ingest function failed: IngestIncompleteError: 1 of 1 samples unwritten/,
    );
  });

  it("fails the series store when the probe is quarantined instead of stored", async () => {
    deployment.state.ingest = () => ({
      payload: { ...STORED, stored: 0, quarantined: { store_rejected: 1 } },
    });
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /FAIL {2}series store +the probe was not stored \(quarantined: store_rejected ×1\)/,
    );
  });

  it("names the missing outputs, and still runs the checks it can", async () => {
    delete deployment.state.outputs.OpsTopicArn;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}stack outputs +plantwatch-dev lacks OpsTopicArn/);
    expect(run.stdout).toMatch(/FAIL {2}ops subscriptions +skipped: its stack output is missing/);
    expect(run.stdout).toContain("ok    dead-letter queue");
  });

  it("reports a stack that does not exist in one line", async () => {
    deployment.state.stackName = "plantwatch-prod";
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}stack outputs {2}stack plantwatch-dev does not exist in eu-west-1/);
    expect(run.calls.map((call) => call.service)).toEqual(["cloudformation"]);
  });
});
