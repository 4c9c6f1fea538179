import { App, Stack, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as timestream from "aws-cdk-lib/aws-timestream";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.ts";
import { type NagSuppression, nagSuppressions } from "../../infra/nagSuppressions.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "./support/cdkContext.ts";
import {
  type Finding,
  formatFindings,
  synthesizeAndValidate,
  type ValidationOutcome,
} from "./support/validationReport.ts";

afterAll(removeTempOutdirs);

/** `AwsSolutions-IAM5[...]` and `CloudFormation-Validate::W3697` both name the rule as reported. */
const reportedRule = (suppression: NagSuppression) => suppression.id.replace(/^[A-Za-z-]+::/, "");
const covers = (suppression: NagSuppression, finding: Finding) =>
  reportedRule(suppression) === finding.rule &&
  (finding.constructPath === suppression.scope.node.path ||
    finding.constructPath.startsWith(`${suppression.scope.node.path}/`));

/** A throwaway app with one stack, the AwsSolutions pack optional. */
function throwawayApp(name: string, withNag: boolean, build: (stack: Stack) => void): ValidationOutcome {
  const app = new App({ outdir: tempOutdir(`harness-${name}`), context: cdkJsonContext() });
  build(new Stack(app, name));
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return synthesizeAndValidate(app);
}

describe("validation harness", () => {
  let errors: ValidationOutcome;
  let nagWarning: ValidationOutcome;
  let cfnWarning: ValidationOutcome;

  beforeAll(() => {
    errors = throwawayApp("NonCompliant", true, (stack) => {
      new sqs.Queue(stack, "PlainQueue", { encryption: sqs.QueueEncryption.UNENCRYPTED });
    });
    nagWarning = throwawayApp("NagWarning", true, (stack) => {
      new dynamodb.Table(stack, "NoRecovery", {
        partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      });
    });
    cfnWarning = throwawayApp("CfnWarning", false, (stack) => {
      new timestream.CfnDatabase(stack, "Database");
    });
  });

  it("reports cdk-nag errors on a non-compliant resource, and synthesis fails", () => {
    const rules = errors.findings.filter((finding) => finding.plugin === "AwsSolutions").map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining(["AwsSolutions-SQS2", "AwsSolutions-SQS3", "AwsSolutions-SQS4"]),
    );
    expect(errors.findings.find((finding) => finding.rule === "AwsSolutions-SQS2")).toMatchObject({
      severity: "error",
      constructPath: "NonCompliant/PlainQueue/Resource",
    });
    expect(errors.synthError?.message).toMatch(/AwsSolutions-SQS2/);
  });

  it("reports cdk-nag warnings, which fail synthesis too (the pack reports failure on any finding)", () => {
    expect(nagWarning.findings).toContainEqual(
      expect.objectContaining({
        plugin: "AwsSolutions",
        rule: "AwsSolutions-DDB3",
        severity: "warning",
        constructPath: "NagWarning/NoRecovery/Resource",
      }),
    );
    expect(nagWarning.synthError?.message).toMatch(/AwsSolutions-DDB3/);
  });

  it("reports CloudFormation Validate warnings, which do not fail synthesis and appear only in the report", () => {
    expect(cfnWarning.synthError).toBeUndefined();
    expect(cfnWarning.findings).toContainEqual(
      expect.objectContaining({
        plugin: "CloudFormation Validate",
        rule: "W3697",
        severity: "warning",
        constructPath: "CfnWarning/Database",
      }),
    );
  });
});

const secretArn = (name: string) =>
  `arn:aws:secretsmanager:eu-central-1:123456789012:secret:plantwatch/${name}-AbCdEf`;
/** Every webhook format and every subscription kind, so their resources are checked too. */
const EVERYTHING_CONFIGURED = {
  alarms: {
    notify: {
      page: { email: ["oncall@example.com"], sms: ["+4915112345678"] },
      ops: { email: ["platform@example.com"] },
      webhooks: [
        { name: "slack", format: "slack", channel: "#alarms", secretArn: secretArn("slack") },
        {
          name: "teams",
          format: "teams",
          url: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1",
          secretArn: secretArn("teams"),
        },
        { name: "pd", format: "pagerduty", secretArn: secretArn("pd") },
        { name: "hook", format: "json", url: "https://hooks.example.com/in", secretArn: secretArn("hook") },
      ],
    },
  },
};

describe.each([
  { name: "dev", stage: "dev", overrides: undefined },
  {
    name: "dev on Timestream for LiveAnalytics",
    stage: "dev",
    overrides: { series: { store: "liveanalytics" } },
  },
  {
    name: "dev on InfluxDB in an existing VPC",
    stage: "dev",
    overrides: {
      series: {
        influxdb: {
          deployment: "multi-az",
          vpc: {
            vpcId: "vpc-0123456789abcdef0",
            subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
          },
        },
      },
    },
  },
  { name: "prod", stage: "prod", overrides: undefined },
  { name: "dev with webhooks and subscriptions", stage: "dev", overrides: EVERYTHING_CONFIGURED },
  {
    name: "dev in stream mode",
    stage: "dev",
    overrides: { ingestion: { mode: "stream", stream: { capacity: "provisioned", shards: 2 } } },
  },
  {
    name: "dev on LiveAnalytics in stream mode",
    stage: "dev",
    overrides: { series: { store: "liveanalytics" }, ingestion: { mode: "stream" } },
  },
])("the app for stage $name", ({ name, stage, overrides }) => {
  let validated: ValidationOutcome;
  let unsuppressed: ValidationOutcome;
  let suppressions: NagSuppression[];

  beforeAll(() => {
    const context = cdkJsonContext({ stage });
    const dir = name.replace(/\W+/g, "-");
    const built = buildApp({ context, outdir: tempOutdir(`nag-${dir}`), overrides });
    suppressions = nagSuppressions(built.stack);
    validated = synthesizeAndValidate(built.app);
    unsuppressed = synthesizeAndValidate(
      buildApp({ context, outdir: tempOutdir(`nag-${dir}-raw`), overrides, nagSuppressions: false }).app,
    );
  });

  it("synthesizes with cdk-nag AwsSolutions and leaves no unacknowledged error or warning", () => {
    expect(validated.synthError).toBeUndefined();
    expect(formatFindings(validated.findings)).toBe("");
  });

  it("runs cdk-nag at all: without the acknowledgments, their findings are reported", () => {
    expect(unsuppressed.findings.some((finding) => finding.plugin === "AwsSolutions")).toBe(true);
  });

  it("needs every acknowledgment: each still matches a finding on its construct", () => {
    const stale = suppressions.filter(
      (suppression) => !unsuppressed.findings.some((finding) => covers(suppression, finding)),
    );
    expect(stale.map((suppression) => `${suppression.id} at ${suppression.scope.node.path}`)).toEqual([]);
  });

  it("acknowledges nothing beyond the listed findings", () => {
    const uncovered = unsuppressed.findings.filter(
      (finding) => !suppressions.some((suppression) => covers(suppression, finding)),
    );
    expect(formatFindings(uncovered)).toBe("");
  });

  it("gives every acknowledgment a reason", () => {
    for (const suppression of suppressions) expect(suppression.reason.length).toBeGreaterThan(100);
  });
});
