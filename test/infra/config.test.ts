import { describe, expect, it } from "vitest";
import { ConfigError } from "../../infra/ConfigError.ts";
import { type ConfigSources, LOG_RETENTION_DAYS, resolveConfig } from "../../infra/config.ts";
import { cdkJsonContext } from "./support/cdkContext.ts";

function problemsOf(sources: ConfigSources): readonly string[] {
  try {
    resolveConfig(sources);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveConfig", () => {
  it("returns the documented defaults when nothing is configured", () => {
    expect(resolveConfig({})).toEqual({
      stage: "dev",
      stackName: "plantwatch-dev",
      topicRoot: "dt/plantwatch",
      timestream: { memoryRetentionHours: 24, magneticRetentionDays: 365 },
      ingest: { clockSkewSeconds: 300, lastSeenIntervalSeconds: 300, registryCacheTtlSeconds: 60 },
      alarms: {
        eventBusName: "plantwatch",
        historyRetentionDays: 90,
        rulesRefreshSeconds: 60,
        notify: { email: [], sms: [] },
      },
      logRetentionDays: 30,
      removalPolicy: "retain",
      metricsNamespace: "plantwatch",
    });
  });

  it("derives the stack name from the stage unless one is configured", () => {
    expect(resolveConfig({ defaults: { stage: "lab" } }).stackName).toBe("plantwatch-lab");
    expect(resolveConfig({ defaults: { stackName: "acme-telemetry" } }).stackName).toBe("acme-telemetry");
  });

  it("applies the selected stage's overrides over the defaults, deeply", () => {
    const config = resolveConfig({
      defaults: { timestream: { memoryRetentionHours: 12, magneticRetentionDays: 90 }, logRetentionDays: 14 },
      stages: { prod: { timestream: { magneticRetentionDays: 1825 }, removalPolicy: "retain" } },
      stage: "prod",
    });
    expect(config.stage).toBe("prod");
    expect(config.stackName).toBe("plantwatch-prod");
    expect(config.timestream).toEqual({ memoryRetentionHours: 12, magneticRetentionDays: 1825 });
    expect(config.logRetentionDays).toBe(14);
  });

  it("ignores other stages' overrides", () => {
    const config = resolveConfig({ stages: { prod: { logRetentionDays: 365 } }, stage: "dev" });
    expect(config.logRetentionDays).toBe(30);
  });

  it("applies programmatic overrides last", () => {
    const config = resolveConfig({
      stages: { prod: { topicRoot: "prod/telemetry" } },
      stage: "prod",
      overrides: { topicRoot: "acme/site-1" },
    });
    expect(config.topicRoot).toBe("acme/site-1");
  });

  it("accepts email and E.164 SMS recipients", () => {
    const config = resolveConfig({
      defaults: { alarms: { notify: { email: ["ops@example.com"], sms: ["+4915112345678"] } } },
    });
    expect(config.alarms.notify).toEqual({ email: ["ops@example.com"], sms: ["+4915112345678"] });
  });

  it("accepts a custom event bus name, history retention and rules refresh", () => {
    const config = resolveConfig({
      defaults: { alarms: { eventBusName: "acme.plant-1_alarms", historyRetentionDays: 3650 } },
      stages: { prod: { alarms: { rulesRefreshSeconds: 5 } } },
      stage: "prod",
    });
    expect(config.alarms).toMatchObject({
      eventBusName: "acme.plant-1_alarms",
      historyRetentionDays: 3650,
      rulesRefreshSeconds: 5,
    });
  });

  it("resolves the repository's cdk.json for every declared stage", () => {
    const context = cdkJsonContext();
    const stages = Object.keys(context["plantwatch:stages"] as object);
    for (const stage of [undefined, ...stages]) {
      const config = resolveConfig({
        defaults: context.plantwatch,
        stages: context["plantwatch:stages"],
        stage,
      });
      expect(config.stackName).toBe(`plantwatch-${stage ?? "dev"}`);
    }
  });
});

describe("resolveConfig validation", () => {
  it("rejects unknown keys at any depth, naming the layer they came from", () => {
    expect(
      problemsOf({
        defaults: { topicroot: "dt/x", ingest: { clockSkew: 10 } },
        stages: { prod: { timestream: { memoryRetention: 48 } } },
        stage: "prod",
      }),
    ).toEqual([
      "plantwatch:stages.prod.timestream.memoryRetention: unknown key",
      "plantwatch.ingest.clockSkew: unknown key",
      "plantwatch.topicroot: unknown key",
    ]);
  });

  it("rejects out-of-range retentions with the path of the stage that set them", () => {
    expect(
      problemsOf({
        stages: { prod: { timestream: { memoryRetentionHours: 9000, magneticRetentionDays: 0 } } },
        stage: "prod",
      }),
    ).toEqual([
      "plantwatch:stages.prod.timestream.memoryRetentionHours: must be <= 8766",
      "plantwatch:stages.prod.timestream.magneticRetentionDays: must be >= 1",
    ]);
  });

  it("rejects a clock skew outside 1..900 seconds and non-integers", () => {
    expect(problemsOf({ defaults: { ingest: { clockSkewSeconds: 901 } } })).toEqual([
      "plantwatch.ingest.clockSkewSeconds: must be <= 900",
    ]);
    expect(problemsOf({ defaults: { ingest: { clockSkewSeconds: 1.5 } } })).toEqual([
      "plantwatch.ingest.clockSkewSeconds: must be an integer",
    ]);
    expect(problemsOf({ defaults: { ingest: { clockSkewSeconds: "300" } } })).toEqual([
      "plantwatch.ingest.clockSkewSeconds: must be a number",
    ]);
  });

  it("rejects a malformed email and a non-E.164 phone number, by index", () => {
    expect(
      problemsOf({
        defaults: { alarms: { notify: { email: ["ops@example.com", "ops-at-example"], sms: ["0151 123"] } } },
      }),
    ).toEqual([
      "plantwatch.alarms.notify.email.1: must be an email address",
      "plantwatch.alarms.notify.sms.0: must be an E.164 number like +4915112345678",
    ]);
  });

  it.each([
    ["dt/+/plantwatch", "wildcard"],
    ["$aws/things", "reserved $ prefix"],
    ["a/b/c/d/e/f", "more than 5 levels"],
    ["dt//plantwatch", "empty level"],
  ])("rejects the topic root %s (%s) with the contract's own message", (topicRoot) => {
    const problems = problemsOf({ overrides: { topicRoot } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^overrides\.topicRoot: topic root ".*" must be 1-5 levels/);
  });

  it.each([
    ["alarms/plant-1", "must be 1-256 of [A-Za-z0-9._-]"],
    ["", "must be 1-256 of [A-Za-z0-9._-]"],
    ["x".repeat(257), "must be 1-256 of [A-Za-z0-9._-]"],
    ["default", 'must not be "default" or start with "aws." (reserved by EventBridge)'],
    ["aws.alarms", 'must not be "default" or start with "aws." (reserved by EventBridge)'],
  ])("rejects the event bus name %j", (eventBusName, message) => {
    expect(problemsOf({ overrides: { alarms: { eventBusName } } })).toEqual([
      `overrides.alarms.eventBusName: ${message}`,
    ]);
  });

  it("rejects a history retention outside 1..3650 days and a rules refresh outside 5..60 seconds", () => {
    expect(
      problemsOf({ defaults: { alarms: { historyRetentionDays: 0, rulesRefreshSeconds: 61 } } }),
    ).toEqual([
      "plantwatch.alarms.historyRetentionDays: must be >= 1",
      "plantwatch.alarms.rulesRefreshSeconds: must be <= 60",
    ]);
    expect(
      problemsOf({ defaults: { alarms: { historyRetentionDays: 3651, rulesRefreshSeconds: 4 } } }),
    ).toEqual([
      "plantwatch.alarms.historyRetentionDays: must be <= 3650",
      "plantwatch.alarms.rulesRefreshSeconds: must be >= 5",
    ]);
  });

  it("rejects a log retention CloudWatch Logs does not offer, listing the ones it does", () => {
    const [problem] = problemsOf({ defaults: { logRetentionDays: 31 } });
    expect(problem).toBe(`plantwatch.logRetentionDays: must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
    expect(LOG_RETENTION_DAYS).toContain(30);
    expect(LOG_RETENTION_DAYS).not.toContain(9999);
  });

  it("rejects an unknown removal policy and a reserved metrics namespace", () => {
    expect(problemsOf({ defaults: { removalPolicy: "snapshot", metricsNamespace: "AWS/IoT" } })).toEqual([
      'plantwatch.removalPolicy: must be one of "retain", "destroy"',
      "plantwatch.metricsNamespace: must be 1-255 of [A-Za-z0-9._/#:-], not starting with AWS/",
    ]);
  });

  it("rejects a stage that is not declared, so a typo cannot create a new deployment", () => {
    expect(problemsOf({ stages: { prod: {} }, stage: "prdo" })).toEqual([
      'stage: "prdo" is not declared in plantwatch:stages (declared: prod); ' +
        'add "plantwatch:stages": { "prdo": {} } to cdk.json to create it',
    ]);
  });

  it("rejects a malformed stage name and a stage key inside stage overrides", () => {
    expect(problemsOf({ stage: "Prod" })).toEqual(['stage: "Prod" must match ^[a-z][a-z0-9-]{0,19}$']);
    expect(problemsOf({ stages: { prod: { stage: "prod" } }, stage: "prod" })).toEqual([
      "plantwatch:stages.prod.stage: the stage is selected with -c stage=<name>; remove this key",
    ]);
  });

  it("rejects a stack name in the defaults that another stage would share", () => {
    expect(problemsOf({ defaults: { stackName: "acme" }, stages: { prod: {} }, stage: "prod" })).toEqual([
      'plantwatch.stackName: would name stage "prod" too; set stackName per stage ' +
        "(plantwatch:stages.prod.stackName) so that stages never share a stack",
    ]);
    expect(
      resolveConfig({
        defaults: { stackName: "acme" },
        stages: { prod: { stackName: "acme-prod" } },
        stage: "prod",
      }).stackName,
    ).toBe("acme-prod");
  });

  it("rejects layers that are not objects", () => {
    expect(problemsOf({ defaults: [], stages: "prod" })).toEqual([
      "plantwatch: must be an object",
      "plantwatch:stages: must be an object of stage name to overrides",
    ]);
  });

  it("throws one ConfigError listing every problem", () => {
    const act = () =>
      resolveConfig({ defaults: { logRetentionDays: 2, timestream: { memoryRetentionHours: 0 } } });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /invalid plantwatch configuration:\n {2}- plantwatch\.timestream\.memoryRetentionHours: must be >= 1\n {2}- plantwatch\.logRetentionDays: must be one of/,
    );
  });
});
