import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { App } from "aws-cdk-lib";

/** One unacknowledged finding of a validation plugin (cdk-nag, CloudFormation Validate, annotations). */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly description: string;
}

export interface ValidationOutcome {
  readonly findings: readonly Finding[];
  /** Synthesis fails (throws) on error-level findings only; warnings are only in the report. */
  readonly synthError?: Error;
}

interface ReportJson {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

/**
 * Synthesizes the app and reads CDK's validation report (`validation-report.json` in the cloud
 * assembly), where every Validations plugin, cdk-nag included, lands its unacknowledged findings.
 * Error-level findings also make synthesis throw; warning-level ones do not, so the report is the
 * only complete source.
 */
export function synthesizeAndValidate(app: App): ValidationOutcome {
  let synthError: Error | undefined;
  try {
    app.synth();
  } catch (error) {
    synthError = error as Error;
  }
  const reportPath = join(app.outdir, "validation-report.json");
  if (!existsSync(reportPath)) {
    if (synthError) throw synthError;
    return { findings: [] };
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as ReportJson;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => ({
        plugin: plugin.pluginName,
        rule: violation.ruleName,
        severity: violation.severity ?? "error",
        constructPath: construct.constructPath ?? "(unknown construct)",
        description: violation.description,
      })),
    ),
  );
  return { findings, synthError };
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map((finding) => `[${finding.severity}] ${finding.rule} at ${finding.constructPath} (${finding.plugin})`)
    .join("\n");
}
