import { App, Stack, Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as timestream from "aws-cdk-lib/aws-timestream";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "./cdkContext.ts";
import { synthesizeAndValidate, type ValidationOutcome } from "./validationReport.ts";

afterAll(removeTempOutdirs);

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
