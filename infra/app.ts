import { pathToFileURL } from "node:url";
import { App, Tags, Validations } from "aws-cdk-lib";
import { CONTEXT_ENV, CONTEXT_OVERFLOW_LOCATION_ENV } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError } from "./ConfigError.ts";
import { type PlantwatchConfig, resolveConfig } from "./config.ts";
import { applyNagSuppressions } from "./nagSuppressions.ts";
import { readCdkJsonContext } from "./projectPaths.ts";
import { PlantwatchStack } from "./stacks/PlantwatchStack.ts";

export interface BuildAppOptions {
  /**
   * CDK context.
   * @default from the CDK CLI (cdk.json and `-c`) when it runs the app, else the repository's cdk.json
   */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly directory. @default the CLI's, or a temporary directory */
  readonly outdir?: string;
  /** Configuration overrides applied after cdk.json and the stage (tests, tools). */
  readonly overrides?: unknown;
  /** Register the cdk-nag AwsSolutions checks. @default true */
  readonly nag?: boolean;
  /** Apply the acknowledged cdk-nag findings (`nagSuppressions.ts`). @default true */
  readonly nagSuppressions?: boolean;
}

export interface PlantwatchApp {
  readonly app: App;
  readonly config: PlantwatchConfig;
  readonly stack: PlantwatchStack;
}

/** The CDK app: the only place that reads context and turns it into typed configuration. */
export function buildApp(options: BuildAppOptions = {}): PlantwatchApp {
  const app = new App({ context: options.context ?? defaultContext(), outdir: options.outdir });
  const config = resolveConfig({
    defaults: app.node.tryGetContext("plantwatch"),
    stages: app.node.tryGetContext("plantwatch:stages"),
    stage: app.node.tryGetContext("stage"),
    seriesStore: app.node.tryGetContext("series.store"),
    overrides: options.overrides,
  });

  const stack = new PlantwatchStack(app, config.stackName, {
    config,
    description: `plantwatch (${config.stage}): IoT telemetry -> Timestream, alarms -> EventBridge, with quarantine and dead letters`,
  });
  Tags.of(app).add("project", "plantwatch");
  Tags.of(app).add("stage", config.stage);

  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  if (options.nagSuppressions ?? true) applyNagSuppressions(stack);
  return { app, config, stack };
}

/** Outside the CDK CLI (tests, tools), synthesize exactly as `cdk synth` would: with cdk.json. */
function defaultContext(): Record<string, unknown> | undefined {
  const runByCdkCli =
    process.env[CONTEXT_ENV] !== undefined || process.env[CONTEXT_OVERFLOW_LOCATION_ENV] !== undefined;
  return runByCdkCli ? undefined : readCdkJsonContext();
}

function main(): void {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
