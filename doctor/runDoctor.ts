import { deadLetterAlarmName } from "../infra/opsAlarmNames.ts";
import { STACK_OUTPUTS } from "../infra/stackOutputs.ts";
import { lifecycleRuleName } from "../shared/contracts/lifecycleRule.ts";
import type { CheckResult, DoctorPorts } from "./checks.ts";

/** The thing name of the store probe: reserved, so it never collides with a device. */
export const DOCTOR_THING = "plantwatch-doctor";
/** The reason set on the dead-letter alarm, so that whoever gets the page knows it is a test. */
export const DOCTOR_ALARM_REASON = "plantwatch doctor: checking that ops alarms reach the ops topic";

/** The outputs the checks use, whatever the series store or ingestion mode. */
const REQUIRED_OUTPUTS = [
  "registryTable",
  "deadLetterQueueUrl",
  "ingestFunction",
  "telemetryRule",
  "devicePolicy",
  "topicRoot",
  "evaluateFunction",
  "sweepFunction",
  "apiUrl",
  "opsTopicArn",
] as const satisfies readonly (keyof typeof STACK_OUTPUTS)[];

export interface DoctorOptions {
  readonly stack: string;
  /** How long to wait for the alarm's SNS action to show in its history. */
  readonly alarmWaitMs: number;
  readonly pollMs: number;
}

/**
 * Checks a deployment end to end: its outputs, the ops alarm path (alarm → SNS → subscribers), the
 * series store (through the ingest function, since the store is private), both IoT rules and the
 * dead-letter queue. Every check runs even when another failed, except those that need a missing
 * output; each failure says what to do.
 */
export async function runDoctor(ports: DoctorPorts, options: DoctorOptions): Promise<CheckResult[]> {
  let outputs: Readonly<Record<string, string>>;
  try {
    outputs = await ports.stackOutputs();
  } catch (error) {
    return [
      fail(
        "stack outputs",
        (error as Error).message,
        "deploy the stack (npx cdk deploy), or choose it with --stack/--region",
      ),
    ];
  }
  const missing = REQUIRED_OUTPUTS.filter((name) => outputs[STACK_OUTPUTS[name].key] === undefined);
  const output = (name: (typeof REQUIRED_OUTPUTS)[number]) => outputs[STACK_OUTPUTS[name].key];
  const results: CheckResult[] = [
    missing.length === 0
      ? ok("stack outputs", `${options.stack}: all ${REQUIRED_OUTPUTS.length} outputs present`)
      : fail(
          "stack outputs",
          `${options.stack} lacks ${missing.map((name) => STACK_OUTPUTS[name].key).join(", ")}`,
          "deploy the current version (npx cdk deploy)",
        ),
  ];
  const run = async (
    check: string,
    needs: string | undefined,
    body: (value: string) => Promise<CheckResult>,
  ) => {
    if (needs === undefined) {
      results.push(
        fail(check, "skipped: its stack output is missing", "deploy the current version (npx cdk deploy)"),
      );
      return;
    }
    try {
      results.push(await body(needs));
    } catch (error) {
      results.push(
        fail(
          check,
          `${(error as Error).name}: ${(error as Error).message}`,
          "check your credentials and permissions for this call",
        ),
      );
    }
  };
  await run("ops alarm path", options.stack, () => checkAlarmPath(ports, options));
  await run("ops subscriptions", output("opsTopicArn"), (arn) => checkSubscriptions(ports, arn));
  await run("series store", output("ingestFunction"), (name) => checkSeriesStore(ports, name));
  await run("telemetry rule", output("telemetryRule"), (name) => checkRule(ports, "telemetry rule", name));
  await run("lifecycle rule", options.stack, () =>
    checkRule(ports, "lifecycle rule", lifecycleRuleName(options.stack)),
  );
  await run("dead-letter queue", output("deadLetterQueueUrl"), (url) => checkQueue(ports, url));
  return results;
}

/**
 * Sets the dead-letter alarm to ALARM, waits for its SNS action to show in the alarm history, and
 * sets it back to OK (CloudWatch re-evaluates it at the next period anyway).
 */
async function checkAlarmPath(ports: DoctorPorts, options: DoctorOptions): Promise<CheckResult> {
  const check = "ops alarm path";
  const alarmName = deadLetterAlarmName(options.stack);
  const since = ports.now();
  await ports.setAlarmState(alarmName, "ALARM", DOCTOR_ALARM_REASON);
  try {
    for (let waited = 0; ; waited += options.pollMs) {
      const actions = await ports.alarmActions(alarmName, since);
      const failed = actions.find((item) => /Failed to execute action/i.test(item.summary));
      if (failed) {
        return fail(
          check,
          `${alarmName}: ${failed.summary}`,
          /kms|encryption key/i.test(failed.summary)
            ? "the deployment key's policy does not let cloudwatch.amazonaws.com use it (statement AllowCloudWatchAlarmsToPublishToTheOpsTopic): redeploy, or compare the key policy with the template"
            : "the ops topic's policy does not admit this alarm (statement AllowThisDeploymentsAlarmsToPublish): redeploy, or compare the topic policy with the template",
        );
      }
      const succeeded = actions.find((item) => /Successfully executed action/i.test(item.summary));
      if (succeeded) return ok(check, `${alarmName} → ops topic: ${succeeded.summary}`);
      if (waited >= options.alarmWaitMs) {
        return fail(
          check,
          `${alarmName}: no SNS action in its history within ${Math.round(options.alarmWaitMs / 1000)} s`,
          "look at the alarm's history in the CloudWatch console; run the doctor again with a longer --alarm-wait",
        );
      }
      await ports.sleep(options.pollMs);
    }
  } finally {
    await ports.setAlarmState(alarmName, "OK", "plantwatch doctor: check done");
  }
}

async function checkSubscriptions(ports: DoctorPorts, topicArn: string): Promise<CheckResult> {
  const check = "ops subscriptions";
  const subscriptions = await ports.subscriptions(topicArn);
  const confirmed = subscriptions.filter((subscription) => !subscription.pending);
  const pending = subscriptions.filter((subscription) => subscription.pending);
  const pendingText = pending
    .map((subscription) => `${subscription.protocol} ${subscription.endpoint}`)
    .join(", ");
  if (confirmed.length === 0 && pending.length === 0) {
    return fail(
      check,
      "the ops topic has no subscription: nobody hears of dead letters or errors",
      "add alarms.notify.ops.email (or sms) in cdk.json and deploy",
    );
  }
  if (confirmed.length === 0) {
    return fail(
      check,
      `no confirmed subscription; pending: ${pendingText}`,
      "confirm the subscription (the link in the e-mail AWS sent)",
    );
  }
  if (pending.length > 0) {
    return warn(
      check,
      `${confirmed.length} confirmed; pending: ${pendingText}`,
      "confirm the pending subscriptions (the link in the e-mail AWS sent)",
    );
  }
  return ok(check, `${confirmed.length} confirmed`);
}

/**
 * The store is private (InfluxDB in a VPC, or Timestream behind IAM), so the probe goes the way
 * telemetry goes: one C2 message for the reserved thing, in the direct-mode event shape that the
 * ingest function accepts in both ingestion modes, invoked synchronously for its report.
 */
async function checkSeriesStore(ports: DoctorPorts, functionName: string): Promise<CheckResult> {
  const check = "series store";
  const receivedAt = ports.now();
  const payload = Buffer.from(JSON.stringify({ ts: receivedAt, metrics: { doctor_probe: 1 } })).toString(
    "base64",
  );
  const answer = await ports.invokeIngest(functionName, {
    payload,
    thingName: DOCTOR_THING,
    receivedAt,
    clientId: DOCTOR_THING,
  });
  if (answer.functionError !== undefined) {
    const { errorType, errorMessage } = (answer.payload ?? {}) as {
      errorType?: string;
      errorMessage?: string;
    };
    return fail(
      check,
      `the ingest function failed: ${errorType ?? answer.functionError}: ${errorMessage ?? "no message"}`,
      "read the ingest function's log group; a store that refuses or cannot be reached fails here",
    );
  }
  const report = answer.payload as { stored?: unknown; quarantined?: Record<string, number> } | null;
  if (report?.stored === 1) return ok(check, `one sample written as thing ${DOCTOR_THING}`);
  const quarantined = Object.entries(report?.quarantined ?? {})
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(", ");
  return fail(
    check,
    `the probe was not stored${quarantined ? ` (quarantined: ${quarantined})` : ""}: ${JSON.stringify(answer.payload)}`,
    "read the ingest function's log group and the quarantine bucket",
  );
}

async function checkRule(ports: DoctorPorts, check: string, ruleName: string): Promise<CheckResult> {
  const disabled = await ports.topicRuleDisabled(ruleName);
  if (disabled === undefined)
    return fail(check, `${ruleName} does not exist`, "deploy the stack (npx cdk deploy)");
  return disabled
    ? fail(
        check,
        `${ruleName} is disabled: nothing reaches the functions`,
        `aws iot enable-topic-rule --rule-name ${ruleName}`,
      )
    : ok(check, `${ruleName} enabled`);
}

async function checkQueue(ports: DoctorPorts, queueUrl: string): Promise<CheckResult> {
  const { visible, inFlight } = await ports.queueDepth(queueUrl);
  return visible + inFlight === 0
    ? ok("dead-letter queue", "empty")
    : fail(
        "dead-letter queue",
        `${visible} waiting, ${inFlight} being received`,
        "run plantwatch dlq list, then plantwatch dlq replay",
      );
}

const ok = (check: string, detail: string): CheckResult => ({ check, status: "ok", detail });
const warn = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: "warn",
  detail,
  fix,
});
const fail = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: "fail",
  detail,
  fix,
});
