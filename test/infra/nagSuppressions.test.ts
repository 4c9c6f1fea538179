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
    // The console's acknowledgments that depend on configuration (CFR4, COG2) go away here.
    name: "dev with the console on a domain of its own and MFA required",
    stage: "dev",
    overrides: {
      console: {
        domainName: "console.plant.example.com",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        mfa: "required",
      },
    },
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
