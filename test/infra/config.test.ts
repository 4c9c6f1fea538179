import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.ts";
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
      topicRoot: "dt/plantwatch-dev",
      series: {
        store: "influxdb",
        influxdb: {
          instanceClass: "db.influx.medium",
          storageGiB: 20,
          storageType: "InfluxIOIncludedT1",
          deployment: "single-az",
          retentionDays: 365,
        },
      },
      timestream: { memoryRetentionHours: 24, magneticRetentionDays: 365 },
      ingest: { clockSkewSeconds: 300, lastSeenIntervalSeconds: 300, registryCacheTtlSeconds: 60 },
      alarms: {
        eventBusName: "plantwatch",
        historyRetentionDays: 90,
        rulesRefreshSeconds: 60,
        sweep: {},
        notify: {
          page: { email: [], sms: [] },
          notify: { email: [], sms: [] },
          ops: { email: [], sms: [] },
          timeZone: "UTC",
          webhooks: [],
        },
      },
      api: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
      kpis: {},
      console: { enabled: true, mfa: "optional", localCallback: false },
      ingestion: {
        mode: "direct",
        stream: {
          capacity: "on-demand",
          retentionHours: 168,
          batchSize: 500,
          batchWindowSeconds: 1,
          parallelizationFactor: 1,
          maxRetryAttempts: 10,
          maxRecordAgeSeconds: 21_600,
        },
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

  it("gives each stage its own topic root: prod keeps C1's, every other stage its own", () => {
    const stages = { prod: {}, lab: {} };
    expect(resolveConfig({ stages, stage: "prod" }).topicRoot).toBe("dt/plantwatch");
    expect(resolveConfig({ stages, stage: "lab" }).topicRoot).toBe("dt/plantwatch-lab");
    expect(resolveConfig({}).topicRoot).toBe("dt/plantwatch-dev");
    expect(resolveConfig({ stages: { lab: { topicRoot: "acme/lab" } }, stage: "lab" }).topicRoot).toBe(
      "acme/lab",
    );
  });

  it("derives the topic roots of cdk.json's stages: dev its own, prod C1's", () => {
    const context = cdkJsonContext();
    const sources = { defaults: context.plantwatch, stages: context["plantwatch:stages"] };
    expect(resolveConfig(sources).topicRoot).toBe("dt/plantwatch-dev");
    expect(resolveConfig({ ...sources, stage: "prod" }).topicRoot).toBe("dt/plantwatch");
  });

  it("reserves no sweep concurrency unless configured, and refuses a misspelt key", () => {
    expect(resolveConfig({}).alarms.sweep.reservedConcurrency).toBeUndefined();
    expect(
      resolveConfig({ overrides: { alarms: { sweep: { reservedConcurrency: 1 } } } }).alarms.sweep
        .reservedConcurrency,
    ).toBe(1);
    expect(problemsOf({ overrides: { alarms: { sweep: { reservedConcurency: 1 } } } })).toEqual([
      expect.stringMatching(/alarms\.sweep.*reservedConcurency/),
    ]);
    expect(problemsOf({ overrides: { alarms: { sweep: { reservedConcurrency: 0 } } } })).toEqual([
      expect.stringMatching(/^overrides\.alarms\.sweep\.reservedConcurrency: /),
    ]);
  });

  it("accepts machine models and refuses invalid or oversized ones, with the path inside the file", () => {
    const machineModels = { version: 1, machines: [{ match: { line: "line-2" }, gapAfter: "2m" }] };
    expect(resolveConfig({ overrides: { kpis: { machineModels } } }).kpis).toEqual({ machineModels });
    expect(
      problemsOf({
        overrides: { kpis: { machineModels: { version: 1, machines: [{ match: {}, gapAfter: "soon" }] } } },
      }),
    ).toEqual([
      expect.stringMatching(/^overrides\.kpis\.machineModels\.machines\.0\.gapAfter: must be a duration/),
    ]);
    const many = Array.from({ length: 60 }, (_, i) => ({ match: { line: `line-${i}` }, gapAfter: "2m" }));
    expect(problemsOf({ overrides: { kpis: { machineModels: { version: 1, machines: many } } } })).toEqual([
      expect.stringMatching(/^overrides\.kpis\.machineModels: must be at most 2048 characters/),
    ]);
  });

  it("applies programmatic overrides last", () => {
    const config = resolveConfig({
      stages: { prod: { topicRoot: "prod/telemetry" } },
      stage: "prod",
      overrides: { topicRoot: "acme/site-1" },
    });
    expect(config.topicRoot).toBe("acme/site-1");
  });

  it("accepts email and E.164 SMS subscribers per topic", () => {
    const config = resolveConfig({
      defaults: {
        alarms: {
          notify: {
            page: { email: ["oncall@example.com"], sms: ["+4915112345678"] },
            ops: { email: ["platform@example.com"] },
          },
        },
      },
    });
    expect(config.alarms.notify).toMatchObject({
      page: { email: ["oncall@example.com"], sms: ["+4915112345678"] },
      notify: { email: [], sms: [] },
      ops: { email: ["platform@example.com"], sms: [] },
    });
  });

  it("accepts a console URL, a time zone and API throttling", () => {
    const config = resolveConfig({
      defaults: {
        alarms: { notify: { consoleUrl: "https://plantwatch.example.com/", timeZone: "Europe/Berlin" } },
        api: { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
      },
    });
    expect(config.alarms.notify).toMatchObject({
      consoleUrl: "https://plantwatch.example.com/",
      timeZone: "Europe/Berlin",
    });
    expect(config.api).toEqual({ throttlingRateLimit: 10, throttlingBurstLimit: 20 });
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

const SECRET = (name: string) =>
  `arn:aws:secretsmanager:eu-central-1:123456789012:secret:plantwatch/${name}-AbCdEf`;

describe("resolveConfig webhooks", () => {
  const webhooksOf = (webhooks: unknown[], stackName?: string) =>
    resolveConfig({ defaults: { stackName, alarms: { notify: { webhooks } } } }).alarms.notify.webhooks;
  const problemsOfWebhooks = (webhooks: unknown[], stackName?: string) =>
    problemsOf({ defaults: { stackName, alarms: { notify: { webhooks } } } });

  it("fills each format's defaults: vendor URL, all severities, header, rate limit", () => {
    expect(
      webhooksOf([
        { name: "slack", format: "slack", channel: "C0123456789", secretArn: SECRET("slack") },
        { name: "pd", format: "pagerduty", secretArn: SECRET("pd"), secretField: "routingKey" },
        { name: "hook", format: "json", url: "https://hooks.example.com/in", secretArn: SECRET("hook") },
        {
          name: "teams",
          format: "teams",
          url: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01",
          secretArn: SECRET("teams"),
          severities: ["critical"],
          rateLimitPerSecond: 5,
        },
      ]),
    ).toEqual([
      {
        name: "slack",
        format: "slack",
        url: "https://slack.com/api/chat.postMessage",
        channel: "C0123456789",
        secretArn: SECRET("slack"),
        severities: ["critical", "major", "minor", "warning", "info"],
        rateLimitPerSecond: 1,
      },
      {
        name: "pd",
        format: "pagerduty",
        url: "https://events.pagerduty.com/v2/enqueue",
        secretArn: SECRET("pd"),
        secretField: "routingKey",
        severities: ["critical", "major", "minor", "warning", "info"],
        rateLimitPerSecond: 2,
      },
      {
        name: "hook",
        format: "json",
        url: "https://hooks.example.com/in",
        header: "Authorization",
        secretArn: SECRET("hook"),
        severities: ["critical", "major", "minor", "warning", "info"],
        rateLimitPerSecond: 10,
      },
      {
        name: "teams",
        format: "teams",
        url: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01",
        secretArn: SECRET("teams"),
        severities: ["critical"],
        rateLimitPerSecond: 5,
      },
    ]);
  });

  it("rejects an unknown format, naming the formats", () => {
    expect(problemsOfWebhooks([{ name: "x", format: "discord", secretArn: SECRET("x") }])).toEqual([
      'plantwatch.alarms.notify.webhooks.0.format: must be one of "slack", "teams", "pagerduty", "json"',
    ]);
  });

  it("rejects a bad name, an unknown severity and an empty list of severities", () => {
    expect(
      problemsOfWebhooks([
        { name: "Ops Chat", format: "json", url: "https://a.example.com", secretArn: SECRET("a") },
        {
          name: "b",
          format: "json",
          url: "https://b.example.com",
          secretArn: SECRET("b"),
          severities: ["fatal"],
        },
        { name: "c", format: "json", url: "https://c.example.com", secretArn: SECRET("c"), severities: [] },
      ]),
    ).toEqual([
      "plantwatch.alarms.notify.webhooks.0.name: must be 1-32 of [a-z0-9-]",
      'plantwatch.alarms.notify.webhooks.1.severities.0: must be one of "critical", "major", "minor", "warning", "info"',
      "plantwatch.alarms.notify.webhooks.2.severities: must name at least one severity (or leave it out for all)",
    ]);
  });

  it("rejects a repeated webhook name (it names the rule) and a repeated severity", () => {
    expect(
      problemsOfWebhooks([
        { name: "hook", format: "json", url: "https://a.example.com", secretArn: SECRET("a") },
        {
          name: "hook",
          format: "slack",
          channel: "#x",
          secretArn: SECRET("b"),
          severities: ["info", "info"],
        },
      ]),
    ).toEqual([
      "plantwatch.alarms.notify.webhooks.1.severities: must not repeat a severity",
      'plantwatch.alarms.notify.webhooks.1.name: "hook" is used by another webhook',
    ]);
  });

  it("rejects a credential where the secret ARN belongs, without repeating it", () => {
    const problems = problemsOfWebhooks([
      { name: "slack", format: "slack", channel: "#alarms", secretArn: "Bearer xoxb-1234-5678-abcdef" },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^plantwatch\.alarms\.notify\.webhooks\.0\.secretArn: must be the full ARN/);
    expect(problems[0]).not.toContain("xoxb");
  });

  it("rejects a partial secret ARN (without the 6-character suffix)", () => {
    expect(
      problemsOfWebhooks([
        {
          name: "hook",
          format: "json",
          url: "https://a.example.com",
          secretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:plantwatch/hook",
        },
      ])[0],
    ).toMatch(/secretArn: must be the full ARN/);
  });

  it("requires https URLs, and a URL for teams and json", () => {
    expect(
      problemsOfWebhooks([
        { name: "a", format: "json", url: "http://hooks.example.com", secretArn: SECRET("a") },
        { name: "b", format: "teams", secretArn: SECRET("b") },
        { name: "c", format: "json", secretArn: SECRET("c") },
      ]),
    ).toEqual([
      "plantwatch.alarms.notify.webhooks.0.url: must be an https:// URL",
      "plantwatch.alarms.notify.webhooks.1.url: is required",
      "plantwatch.alarms.notify.webhooks.2.url: is required",
    ]);
  });

  it("refuses a Teams URL that still carries its sig credential", () => {
    const problems = problemsOfWebhooks([
      {
        name: "teams",
        format: "teams",
        url: "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s3cr3t",
        secretArn: SECRET("teams"),
      },
    ]);
    expect(problems).toEqual([
      "plantwatch.alarms.notify.webhooks.0.url: must not contain the sig parameter: it is the webhook's " +
        "credential; remove it from the URL and store its value in the secret",
    ]);
    expect(problems[0]).not.toContain("s3cr3t");
  });

  describe("refuses webhook URLs that carry a credential (they are kept in plain text in cdk.json and the template)", () => {
    const PLAIN = "cdk.json and the template keep the URL in plain text";
    const QUERY =
      `must not have a query string: ${PLAIN}, and a query parameter is often the credential ` +
      "(key, token, sig, code, access_token, api_key...)";
    const TEAMS_URL = "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke";
    const refused = (webhooks: unknown[]) => {
      const problems = problemsOfWebhooks(webhooks);
      for (const problem of problems) expect(problem).not.toMatch(/s3cr3t|xoxb|T000|tok3n/);
      return problems;
    };

    it("refuses any query string, and says where each format's credential goes instead", () => {
      expect(
        refused([
          {
            name: "a",
            format: "json",
            url: "https://hooks.example.com/in?token=s3cr3t",
            secretArn: SECRET("a"),
          },
          { name: "b", format: "json", url: "https://hooks.example.com/in?v=2", secretArn: SECRET("b") },
          {
            name: "c",
            format: "slack",
            channel: "#alarms",
            url: "https://slack.com/api/chat.postMessage?token=xoxb-1",
            secretArn: SECRET("c"),
          },
          {
            name: "d",
            format: "pagerduty",
            url: "https://events.pagerduty.com/v2/enqueue?routing_key=s3cr3t",
            secretArn: SECRET("d"),
          },
          { name: "e", format: "json", url: "https://hooks.example.com/in?s3cr3t", secretArn: SECRET("e") },
        ]),
      ).toEqual([
        `plantwatch.alarms.notify.webhooks.0.url: ${QUERY}; send it in a header instead: name the header in \`header\` and keep its value in the secret`,
        `plantwatch.alarms.notify.webhooks.1.url: ${QUERY}; send it in a header instead: name the header in \`header\` and keep its value in the secret`,
        `plantwatch.alarms.notify.webhooks.2.url: ${QUERY}; the bot token goes in the secret (sent as Authorization)`,
        `plantwatch.alarms.notify.webhooks.3.url: ${QUERY}; the routing key goes in the secret (sent in the body as routing_key)`,
        `plantwatch.alarms.notify.webhooks.4.url: ${QUERY}; send it in a header instead: name the header in \`header\` and keep its value in the secret`,
      ]);
    });

    it("lets a Teams URL keep only its Workflows parameters (api-version, sp, sv)", () => {
      expect(
        refused([
          {
            name: "a",
            format: "teams",
            url: `${TEAMS_URL}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0`,
            secretArn: SECRET("a"),
          },
          {
            name: "b",
            format: "teams",
            url: `${TEAMS_URL}?api-version=1&code=s3cr3t`,
            secretArn: SECRET("b"),
          },
        ]),
      ).toEqual([
        `plantwatch.alarms.notify.webhooks.1.url: may carry only the api-version, sp and sv parameters: ${PLAIN}; the sig value goes in the secret`,
      ]);
    });

    it("refuses a user name or password in the URL", () => {
      expect(
        refused([
          {
            name: "a",
            format: "json",
            url: "https://hook:s3cr3t@hooks.example.com/in",
            secretArn: SECRET("a"),
          },
        ]),
      ).toEqual([
        `plantwatch.alarms.notify.webhooks.0.url: must not contain a user name or password: ${PLAIN}; ` +
          "send it in a header instead: name the header in `header` and keep its value in the secret",
      ]);
    });

    it("refuses the endpoints whose URL is their credential: Slack incoming webhooks, Google Chat, Discord", () => {
      const relay =
        "post through a relay of your own that takes its credential in a header (format json, `header` and the secret)";
      expect(
        refused([
          {
            name: "a",
            format: "json",
            url: "https://hooks.slack.com/services/T000/B000/xoxb",
            secretArn: SECRET("a"),
          },
          {
            name: "b",
            format: "slack",
            channel: "#alarms",
            url: "https://hooks.slack.com/services/T000/B000/xoxb",
            secretArn: SECRET("b"),
          },
          {
            name: "c",
            format: "json",
            url: "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=s3cr3t&token=tok3n",
            secretArn: SECRET("c"),
          },
          {
            name: "d",
            format: "json",
            url: "https://discord.com/api/webhooks/123/tok3n",
            secretArn: SECRET("d"),
          },
          {
            name: "e",
            format: "json",
            url: "https://discordapp.com/api/webhooks/123/tok3n",
            secretArn: SECRET("e"),
          },
          {
            name: "f",
            format: "json",
            url: "https://canary.discord.com/api/v10/webhooks/1/tok3n",
            secretArn: SECRET("f"),
          },
        ]),
      ).toEqual([
        `plantwatch.alarms.notify.webhooks.0.url: is a Slack incoming webhook, whose URL is its credential, and ${PLAIN}: ` +
          "use format slack instead, with a bot token in the secret (it posts through chat.postMessage)",
        `plantwatch.alarms.notify.webhooks.1.url: is a Slack incoming webhook, whose URL is its credential, and ${PLAIN}: ` +
          "use format slack instead, with a bot token in the secret (it posts through chat.postMessage)",
        `plantwatch.alarms.notify.webhooks.2.url: is a Google Chat webhook, whose URL is its credential, and ${PLAIN}: ${relay}`,
        `plantwatch.alarms.notify.webhooks.3.url: is a Discord webhook, whose URL is its credential, and ${PLAIN}: ${relay}`,
        `plantwatch.alarms.notify.webhooks.4.url: is a Discord webhook, whose URL is its credential, and ${PLAIN}: ${relay}`,
        `plantwatch.alarms.notify.webhooks.5.url: is a Discord webhook, whose URL is its credential, and ${PLAIN}: ${relay}`,
      ]);
    });

    it("accepts the vendors' default endpoints and a plain https URL", () => {
      expect(
        webhooksOf([
          { name: "a", format: "slack", channel: "#alarms", secretArn: SECRET("a") },
          { name: "b", format: "pagerduty", secretArn: SECRET("b") },
          {
            name: "c",
            format: "json",
            url: "https://discord.example.com/api/webhooks/in",
            secretArn: SECRET("c"),
          },
        ]).map(({ url }) => url),
      ).toEqual([
        "https://slack.com/api/chat.postMessage",
        "https://events.pagerduty.com/v2/enqueue",
        "https://discord.example.com/api/webhooks/in",
      ]);
    });
  });

  it("requires a Slack channel, and allows channel and header only where they mean something", () => {
    expect(
      problemsOfWebhooks([
        { name: "a", format: "slack", secretArn: SECRET("a") },
        { name: "b", format: "slack", channel: "plant alarms", secretArn: SECRET("b") },
        { name: "c", format: "pagerduty", channel: "#x", header: "X-Key", secretArn: SECRET("c") },
        { name: "d", format: "json", url: "https://a.example.com", header: "X Key", secretArn: SECRET("d") },
      ]),
    ).toEqual([
      "plantwatch.alarms.notify.webhooks.0.channel: is required for Slack: the channel id (C0123456789) or #name to post to",
      "plantwatch.alarms.notify.webhooks.1.channel: must be a channel id like C0123456789 or a #name",
      "plantwatch.alarms.notify.webhooks.2.channel: unknown key",
      "plantwatch.alarms.notify.webhooks.2.header: unknown key",
      "plantwatch.alarms.notify.webhooks.3.header: must be an HTTP header name (letters, digits, '-')",
    ]);
  });

  it("rejects a rate limit outside EventBridge's 1..300 per second", () => {
    expect(
      problemsOfWebhooks([
        {
          name: "a",
          format: "json",
          url: "https://a.example.com",
          secretArn: SECRET("a"),
          rateLimitPerSecond: 301,
        },
      ]),
    ).toEqual(["plantwatch.alarms.notify.webhooks.0.rateLimitPerSecond: must be <= 300"]);
  });

  it("rejects a webhook whose rule name would exceed EventBridge's 64 characters", () => {
    const name = "a".repeat(32);
    expect(
      problemsOfWebhooks(
        [{ name, format: "json", url: "https://a.example.com", secretArn: SECRET("a") }],
        "plantwatch-production-site1",
      ),
    ).toEqual([
      `plantwatch.alarms.notify.webhooks.0.name: names the rule "plantwatch-production-site1-webhook-${name}" ` +
        "(68 characters; EventBridge allows 64): shorten the webhook name or the stack name",
    ]);
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

  it("rejects a malformed email and a non-E.164 phone number, by topic and index", () => {
    expect(
      problemsOf({
        defaults: {
          alarms: {
            notify: { page: { email: ["ops@example.com", "ops-at-example"] }, ops: { sms: ["0151 123"] } },
          },
        },
      }),
    ).toEqual([
      "plantwatch.alarms.notify.page.email.1: must be an email address",
      "plantwatch.alarms.notify.ops.sms.0: must be an E.164 number like +4915112345678",
    ]);
  });

  it("rejects the old flat email/sms keys, so a subscription is never silently dropped", () => {
    expect(problemsOf({ defaults: { alarms: { notify: { email: ["ops@example.com"] } } } })).toEqual([
      "plantwatch.alarms.notify.email: unknown key",
    ]);
  });

  it("rejects an unknown time zone, a console URL that is not http(s) and API throttling out of range", () => {
    expect(
      problemsOf({
        defaults: {
          alarms: { notify: { timeZone: "Europe/Atlantis", consoleUrl: "ftp://example.com" } },
          api: { throttlingRateLimit: 0, throttlingBurstLimit: 5001 },
        },
      }),
    ).toEqual([
      "plantwatch.alarms.notify.consoleUrl: must be an http(s) URL",
      "plantwatch.alarms.notify.timeZone: must be an IANA time zone like Europe/Berlin or UTC",
      "plantwatch.api.throttlingRateLimit: must be >= 1",
      "plantwatch.api.throttlingBurstLimit: must be <= 5000",
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

describe("resolveConfig ingestion", () => {
  it("selects stream mode with on-demand capacity and the documented batching by default", () => {
    const { ingestion } = resolveConfig({ overrides: { ingestion: { mode: "stream" } } });

    expect(ingestion).toEqual({
      mode: "stream",
      stream: {
        capacity: "on-demand",
        retentionHours: 168,
        batchSize: 500,
        batchWindowSeconds: 1,
        parallelizationFactor: 1,
        maxRetryAttempts: 10,
        maxRecordAgeSeconds: 21_600,
      },
    });
  });

  it("accepts provisioned capacity with a shard count, and every batching setting", () => {
    const stream = {
      capacity: "provisioned",
      shards: 4,
      retentionHours: 24,
      batchSize: 10_000,
      batchWindowSeconds: 0,
      parallelizationFactor: 1,
      maxRetryAttempts: 0,
      maxRecordAgeSeconds: 60,
    };

    expect(resolveConfig({ overrides: { ingestion: { mode: "stream", stream } } }).ingestion.stream).toEqual(
      stream,
    );
  });

  it("lets a direct deployment keep stream settings for later", () => {
    const config = resolveConfig({
      overrides: { ingestion: { mode: "direct", stream: { capacity: "provisioned", shards: 2 } } },
    });

    expect(config.ingestion.mode).toBe("direct");
  });

  it("refuses more than one concurrent batch per shard in stream mode, saying why", () => {
    expect(
      problemsOf({ overrides: { ingestion: { mode: "stream", stream: { parallelizationFactor: 2 } } } }),
    ).toEqual([
      "overrides.ingestion.stream.parallelizationFactor: must be 1 in stream mode: the evaluate function " +
        "keeps each thing's alarm state in memory between batches, which needs one consumer per shard " +
        "(add shards for throughput instead)",
    ]);
    expect(() =>
      buildApp({
        context: cdkJsonContext(),
        overrides: { ingestion: { mode: "stream", stream: { parallelizationFactor: 10 } } },
        nag: false,
      }),
    ).toThrow(ConfigError);
  });

  it("lets a direct deployment keep a parallelization factor for later", () => {
    const config = resolveConfig({
      overrides: { ingestion: { mode: "direct", stream: { parallelizationFactor: 4 } } },
    });

    expect(config.ingestion.stream.parallelizationFactor).toBe(4);
  });

  it("requires shards with provisioned capacity and refuses them with on-demand", () => {
    expect(problemsOf({ overrides: { ingestion: { stream: { capacity: "provisioned" } } } })).toEqual([
      'plantwatch.ingestion.stream.shards: is required with capacity "provisioned" (1 shard takes 1 MB/s or 1,000 records/s)',
    ]);
    expect(problemsOf({ defaults: { ingestion: { mode: "stream", stream: { shards: 2 } } } })).toEqual([
      'plantwatch.ingestion.stream.shards: applies to capacity "provisioned" only; on-demand streams scale by themselves: remove it',
    ]);
  });

  it("names every setting out of range, an unknown mode and an unknown key", () => {
    const problems = problemsOf({
      overrides: {
        ingestion: {
          mode: "kafka",
          stream: {
            capacity: "serverless",
            retentionHours: 12,
            batchSize: 10_001,
            batchWindowSeconds: 301,
            parallelizationFactor: 11,
            maxRetryAttempts: -1,
            maxRecordAgeSeconds: 30,
            shardCount: 2,
          },
        },
      },
    });

    expect([...problems].sort()).toEqual(
      [
        'overrides.ingestion.mode: must be one of "direct", "stream"',
        'overrides.ingestion.stream.capacity: must be one of "on-demand", "provisioned"',
        "overrides.ingestion.stream.retentionHours: must be >= 24",
        "overrides.ingestion.stream.batchSize: must be <= 10000",
        "overrides.ingestion.stream.batchWindowSeconds: must be <= 300",
        "overrides.ingestion.stream.parallelizationFactor: must be <= 10",
        "overrides.ingestion.stream.maxRetryAttempts: must be >= 0",
        "overrides.ingestion.stream.maxRecordAgeSeconds: must be >= 60",
        "overrides.ingestion.stream.shardCount: unknown key",
      ].sort(),
    );
  });
});

describe("series store configuration", () => {
  const influxdb = (settings: Record<string, unknown>) => ({ overrides: { series: { influxdb: settings } } });

  it("defaults to InfluxDB, the store every account can deploy", () => {
    expect(resolveConfig({}).series.store).toBe("influxdb");
    expect(resolveConfig({ defaults: cdkJsonContext().plantwatch }).series.store).toBe("influxdb");
  });

  it("selects LiveAnalytics, keeping the timestream settings", () => {
    const config = resolveConfig({
      overrides: { series: { store: "liveanalytics" }, timestream: { magneticRetentionDays: 730 } },
    });
    expect(config.series.store).toBe("liveanalytics");
    expect(config.timestream.magneticRetentionDays).toBe(730);
  });

  it("takes the store from `-c series.store=...` over cdk.json and the stage, and names it in a refusal", () => {
    const defaults = cdkJsonContext().plantwatch;

    expect(resolveConfig({ defaults, seriesStore: "liveanalytics" }).series.store).toBe("liveanalytics");
    expect(
      resolveConfig({
        defaults,
        stages: { prod: { series: { store: "liveanalytics" } } },
        stage: "prod",
        seriesStore: "influxdb",
      }).series.store,
    ).toBe("influxdb");
    expect(problemsOf({ defaults, seriesStore: "timestream" })).toEqual([
      '-c series.store: must be one of "influxdb", "liveanalytics"',
    ]);
  });

  it("takes every InfluxDB setting, an existing VPC included", () => {
    const vpc = {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
    };
    const settings = {
      instanceClass: "db.influx.24xlarge",
      storageGiB: 16_384,
      storageType: "InfluxIOIncludedT3",
      deployment: "multi-az",
      retentionDays: 30,
      vpc,
    };
    expect(resolveConfig(influxdb(settings)).series.influxdb).toEqual(settings);
  });

  it("refuses a typo, an unknown class and out-of-range storage, naming each", () => {
    expect(
      [
        ...problemsOf({ overrides: { series: { store: "timestream" } } }),
        ...problemsOf(influxdb({ instanceClass: "db.influx.small", storageGiB: 19, retentionDay: 30 })),
        ...problemsOf(influxdb({ storageGiB: 16_385 })),
      ].sort(),
    ).toEqual(
      [
        'overrides.series.store: must be one of "influxdb", "liveanalytics"',
        expect.stringMatching(
          /^overrides\.series\.influxdb\.instanceClass: must be one of "db\.influx\.medium", /,
        ),
        "overrides.series.influxdb.storageGiB: must be >= 20",
        "overrides.series.influxdb.retentionDay: unknown key",
        "overrides.series.influxdb.storageGiB: must be <= 16384",
      ].sort(),
    );
  });

  it.each(["InfluxIOIncludedT2", "InfluxIOIncludedT3"])(
    "refuses %s below 400 GiB, saying why",
    (storageType) => {
      expect(problemsOf(influxdb({ storageType, storageGiB: 399 }))).toEqual([
        `overrides.series.influxdb.storageGiB: must be >= 400 with storageType "${storageType}" ` +
          '(Timestream for InfluxDB offers T2 and T3 from 400 GiB; below that use "InfluxIOIncludedT1")',
      ]);
      expect(resolveConfig(influxdb({ storageType, storageGiB: 400 })).series.influxdb.storageGiB).toBe(400);
    },
  );

  it("refuses an existing VPC with malformed ids, too few or repeated subnets, or zones that do not match", () => {
    expect(
      [...problemsOf(influxdb({ vpc: { vpcId: "my-vpc", subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"] } }))].sort(),
    ).toEqual(
      [
        "overrides.series.influxdb.vpc.vpcId: must be a VPC id like vpc-0123456789abcdef0",
        "overrides.series.influxdb.vpc.subnetIds: must name 2 or 3 subnets in different availability zones",
      ].sort(),
    );
    const twice = "subnet-0aaaaaaaaaaaaaaaa";
    expect(
      problemsOf(influxdb({ vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: [twice, twice] } })),
    ).toEqual(["overrides.series.influxdb.vpc.subnetIds: must not repeat a subnet"]);
    expect(
      problemsOf(
        influxdb({
          vpc: {
            vpcId: "vpc-0123456789abcdef0",
            subnetIds: [twice, "subnet-0bbbbbbbbbbbbbbbb"],
            availabilityZones: ["eu-west-1a"],
          },
        }),
      ),
    ).toEqual([
      "overrides.series.influxdb.vpc.availabilityZones: must name one zone per subnet, in the order of subnetIds (2)",
    ]);
  });

  it("refuses a stack name the InfluxDB instance cannot carry, but not on LiveAnalytics", () => {
    const name = "plantwatch-a-stack-name-far-too-long-for-it";
    expect(problemsOf({ overrides: { stackName: name } })).toEqual([
      `overrides.stackName: names the InfluxDB instance "${name}", which must be 3-40 letters and digits ` +
        "in groups joined by single '-' (starting with a letter)",
    ]);
    expect(problemsOf({ overrides: { stackName: "plant--watch" } })).toHaveLength(1);
    expect(
      resolveConfig({ overrides: { stackName: name, series: { store: "liveanalytics" } } }).stackName,
    ).toBe(name);
  });
});

describe("console configuration", () => {
  const CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

  it("takes a custom domain with its us-east-1 certificate, MFA, the local callback and a sign-in prefix", () => {
    const console = {
      enabled: true,
      domainName: "console.plant.example.com",
      certificateArn: CERTIFICATE,
      mfa: "required",
      localCallback: true,
      signInDomainPrefix: "acme-plant-1",
    };
    expect(resolveConfig({ overrides: { console } }).console).toEqual(console);
    expect(resolveConfig({ overrides: { console: { enabled: false } } }).console.enabled).toBe(false);
  });

  it("refuses a certificate outside us-east-1, saying that CloudFront takes certificates from there only", () => {
    expect(
      problemsOf({
        overrides: {
          console: {
            domainName: "console.plant.example.com",
            certificateArn: CERTIFICATE.replace("us-east-1", "eu-west-1"),
          },
        },
      }),
    ).toEqual([
      "overrides.console.certificateArn: is in eu-west-1, but CloudFront uses certificates from us-east-1 only: " +
        "request or import the certificate in us-east-1, whatever region the stack is in",
    ]);
  });

  it("refuses a domain without a certificate and the reverse, a malformed ARN, an unknown MFA mode and a bad prefix", () => {
    expect(problemsOf({ overrides: { console: { domainName: "console.plant.example.com" } } })).toEqual([
      "overrides.console.domainName: needs certificateArn too: CloudFront serves a domain of your own only with its certificate",
    ]);
    expect(problemsOf({ overrides: { console: { certificateArn: CERTIFICATE } } })).toEqual([
      "overrides.console.certificateArn: needs domainName too: the domain the certificate is for",
    ]);
    expect(
      problemsOf({
        overrides: {
          console: {
            domainName: "not a domain",
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate",
            mfa: "sometimes",
            signInDomainPrefix: "my-amazon-login",
            localCallback: "yes",
          },
        },
      }),
    ).toEqual([
      "overrides.console.domainName: must be a domain name like console.example.com",
      "overrides.console.certificateArn: must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)",
      'overrides.console.mfa: must be one of "off", "optional", "required"',
      "overrides.console.localCallback: must be a boolean",
      'overrides.console.signInDomainPrefix: must not contain "aws", "amazon" or "cognito"',
    ]);
  });

  it("refuses a stack name Cognito would refuse in the default sign-in prefix, unless a prefix is set or the console is off", () => {
    expect(problemsOf({ overrides: { stackName: "plantwatch-aws" } })).toEqual([
      'overrides.stackName: names the console\'s sign-in domain "plantwatch-aws-<account>", which Cognito refuses ' +
        '(it holds "aws", "amazon" or "cognito"): set console.signInDomainPrefix',
    ]);
    expect(
      resolveConfig({
        overrides: { stackName: "plantwatch-aws", console: { signInDomainPrefix: "plant-1" } },
      }).stackName,
    ).toBe("plantwatch-aws");
    expect(
      resolveConfig({ overrides: { stackName: "plantwatch-aws", console: { enabled: false } } }).stackName,
    ).toBe("plantwatch-aws");
  });
});
