import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../infra/app.ts";
import { STACK_OUTPUTS } from "../../../infra/stackOutputs.ts";
import {
  ENGINE_METRICS,
  INGEST_METRICS,
  QUARANTINE_REASON_DIMENSION,
} from "../../../shared/contracts/functionMetrics.ts";
import { QUARANTINE_REASONS } from "../../../shared/domain/ingest/quarantineReason.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import { onlyLogicalId, onlyLogicalIdWhere, onlyResource, render, resource } from "../support/cfn.ts";

afterAll(removeTempOutdirs);

const STACK = "plantwatch-ops";
const WEBHOOK = "ops-slack";
const WEBHOOK_OVERRIDES = {
  alarms: {
    notify: {
      webhooks: [
        {
          name: WEBHOOK,
          format: "slack",
          channel: "#plant-alarms",
          secretArn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:plantwatch/slack-AbCdEf",
        },
      ],
    },
  },
};

/** One widget of the dashboard, and its metrics in CloudWatch's array form, read as objects. */
interface Widget {
  readonly type: string;
  readonly title: string;
  readonly metrics: readonly GraphedMetric[];
  readonly alarms: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: widget properties are untyped JSON
  readonly properties: Record<string, any>;
}

interface GraphedMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly expression?: string;
  readonly stat?: string;
  readonly label?: string;
  readonly visible?: boolean;
}

function graphed(entry: readonly unknown[]): GraphedMetric {
  const last = entry.at(-1);
  const options = (typeof last === "object" ? last : {}) as Record<string, unknown>;
  const [namespace, metricName, ...pairs] = entry.filter((part): part is string => typeof part === "string");
  const dimensions: Record<string, string> = {};
  for (let index = 0; index + 1 < pairs.length; index += 2)
    dimensions[pairs[index] as string] = pairs[index + 1] as string;
  return { ...options, ...(namespace !== undefined && { namespace, metricName }), dimensions };
}

interface Synthesized {
  readonly template: Template;
  readonly dashboardName: string;
  readonly widgets: readonly Widget[];
  readonly metricsNamespace: string;
  /** Logical id of the function whose Powertools service name is the key. */
  readonly functionIds: Readonly<Record<string, string>>;
}

/**
 * The stack with `overrides`, and its dashboard's body: an Fn::Join of JSON and references, read with
 * each reference as a `<LogicalId>` / `<LogicalId.Attribute>` placeholder.
 */
function synthesize(overrides: Record<string, unknown>): Synthesized {
  const built = buildApp({
    context: cdkJsonContext({ "aws:cdk:bundling-stacks": [] }),
    outdir: tempOutdir("ops-dashboard"),
    overrides: { stackName: STACK, ...overrides },
    nag: false,
  });
  const template = Template.fromStack(built.stack);
  const dashboard = onlyResource(template, "AWS::CloudWatch::Dashboard").Properties;
  const body = JSON.parse(render(dashboard.DashboardBody)) as {
    widgets: { type: string; properties: Record<string, unknown> }[];
  };
  const widgets = body.widgets.map(({ type, properties }) => ({
    type,
    title: String(properties.title),
    metrics: ((properties.metrics ?? []) as unknown[][]).map(graphed),
    alarms: (properties.alarms ?? []) as string[],
    properties,
  }));
  const functionIds = Object.fromEntries(
    Object.entries(template.findResources("AWS::Lambda::Function")).flatMap(([id, resource]) => {
      const service = resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
      return typeof service === "string" ? [[service, id]] : [];
    }),
  );
  return {
    template,
    dashboardName: render(dashboard.DashboardName),
    widgets,
    metricsNamespace: built.config.metricsNamespace,
    functionIds,
  };
}

function widget(synthesized: Synthesized, title: RegExp): Widget {
  const found = synthesized.widgets.filter((candidate) => title.test(candidate.title));
  if (found.length !== 1) throw new Error(`expected one widget titled ${title}, found ${found.length}`);
  return found[0] as Widget;
}

const allMetrics = (synthesized: Synthesized) => synthesized.widgets.flatMap((shown) => shown.metrics);

/** The metrics a function publishes through Powertools, as the dashboard must name them. */
const published = (synthesized: Synthesized, service: string, metricName: string, extra = {}) => ({
  namespace: synthesized.metricsNamespace,
  metricName,
  dimensions: { service, ...extra },
});

const VARIANTS = {
  "InfluxDB, direct ingestion (the default)": {},
  "InfluxDB, stream ingestion": { ingestion: { mode: "stream" } },
  "LiveAnalytics, direct ingestion": { series: { store: "liveanalytics" } },
  "LiveAnalytics, stream ingestion, a webhook": {
    series: { store: "liveanalytics" },
    ingestion: { mode: "stream" },
    ...WEBHOOK_OVERRIDES,
  },
} as const;
type Variant = keyof typeof VARIANTS;

const synthesized = {} as Record<Variant, Synthesized>;
beforeAll(() => {
  for (const [name, overrides] of Object.entries(VARIANTS))
    synthesized[name as Variant] = synthesize(overrides as Record<string, unknown>);
});

describe.each(Object.keys(VARIANTS) as Variant[])("the ops dashboard: %s", (variant) => {
  const of = () => synthesized[variant];

  it("is named after the stack and its region, and its console URL is a stack output", () => {
    const { template, dashboardName } = of();
    const dashboardId = onlyLogicalId(template, "AWS::CloudWatch::Dashboard");

    expect(dashboardName).toBe(`${STACK}-ops-<AWS::Region>`);
    const output = template.toJSON().Outputs[STACK_OUTPUTS.opsDashboardUrl.key];
    expect(render(output.Value)).toBe(
      `https://<AWS::Region>.console.aws.amazon.com/cloudwatch/home?region=<AWS::Region>#dashboards:name=<${dashboardId}>`,
    );
  });

  it("opens with the state of every ops alarm", () => {
    const { template, widgets } = of();
    const alarmIds = Object.keys(template.findResources("AWS::CloudWatch::Alarm"));

    expect(widgets[0]?.type).toBe("alarm");
    expect(alarmIds.length).toBeGreaterThan(5);
    expect([...(widgets[0]?.alarms ?? [])].sort()).toEqual(alarmIds.map((id) => `<${id}.Arn>`).sort());
  });

  it("graphs messages received, samples stored and quarantine entries under the ingest function's namespace and service", () => {
    const shown = of();
    const ingest =
      shown.template.toJSON().Resources[shown.functionIds.ingest as string].Properties.Environment.Variables;
    const telemetry = widget(shown, /^Telemetry: received/).metrics;

    expect(ingest.POWERTOOLS_METRICS_NAMESPACE).toBe(shown.metricsNamespace);
    expect(telemetry).toContainEqual(
      expect.objectContaining(
        published(shown, ingest.POWERTOOLS_SERVICE_NAME, INGEST_METRICS.messagesReceived),
      ),
    );
    expect(telemetry).toContainEqual(
      expect.objectContaining(published(shown, "ingest", INGEST_METRICS.samplesStored)),
    );
    const total = telemetry.find((metric) => metric.expression !== undefined);
    expect(total?.expression).toBe(`SUM([${QUARANTINE_REASONS.map((_, index) => `q${index}`).join(",")}])`);
  });

  it("graphs one quarantine series per reason of the domain's list, by its reason dimension", () => {
    const shown = of();
    const byReason = widget(shown, /^Quarantine entries by reason/);

    expect(byReason.properties.stacked).toBe(true);
    expect(byReason.metrics).toEqual(
      QUARANTINE_REASONS.map((reason) =>
        expect.objectContaining({
          ...published(shown, "ingest", INGEST_METRICS.quarantined, {
            [QUARANTINE_REASON_DIMENSION]: reason,
          }),
          stat: "Sum",
          label: reason,
        }),
      ),
    );
  });

  it("graphs the dead-letter queue's depth and the age of its oldest message", () => {
    const shown = of();
    const queue = `<${onlyLogicalId(shown.template, "AWS::SQS::Queue")}.QueueName>`;
    const sqs = (metricName: string) => ({
      namespace: "AWS/SQS",
      metricName,
      dimensions: { QueueName: queue },
    });

    for (const title of [/^Dead-letter queue \(/, /^Dead-letter queue now/]) {
      const { metrics } = widget(shown, title);
      expect(metrics).toContainEqual(expect.objectContaining(sqs("ApproximateNumberOfMessagesVisible")));
      expect(metrics).toContainEqual(expect.objectContaining(sqs("ApproximateAgeOfOldestMessage")));
      expect(metrics.every((metric) => metric.stat === "Maximum")).toBe(true);
    }
  });

  it("graphs each function's errors, throttles and p50/p99 duration", () => {
    const shown = of();
    const services = ["ingest", "evaluate", "sweep", "notify", "api"];
    if (variant.startsWith("InfluxDB")) services.push("influx-token");
    const lambda = (metricName: string, service: string) => ({
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: `<${shown.functionIds[service]}>` },
    });

    for (const [title, metricName, stat] of [
      [/^Function errors/, "Errors", "Sum"],
      [/^Function throttles/, "Throttles", "Sum"],
      [/^Function duration p50/, "Duration", "p50"],
      [/^Function duration p99/, "Duration", "p99"],
    ] as const) {
      expect(widget(shown, title).metrics).toEqual(
        services.map((service) =>
          expect.objectContaining({ ...lambda(metricName, service), stat, label: service }),
        ),
      );
    }
  });

  it("graphs the alarm engine's transitions and undelivered events from evaluate and sweep", () => {
    const shown = of();
    const transitions = widget(shown, /^Alarm transitions/).metrics;
    const undelivered = widget(shown, /^Alarm events not yet on the bus/).metrics;

    for (const service of ["evaluate", "sweep"]) {
      expect(transitions).toContainEqual(
        expect.objectContaining(published(shown, service, ENGINE_METRICS.transitions)),
      );
      expect(undelivered).toContainEqual(
        expect.objectContaining(published(shown, service, ENGINE_METRICS.eventsDeferred)),
      );
      expect(undelivered).toContainEqual(
        expect.objectContaining(published(shown, service, ENGINE_METRICS.deliveryErrors)),
      );
    }
  });

  it("graphs failed notifications and the failed deliveries of the notify and webhook rules on the alarm bus", () => {
    const shown = of();
    const rules = shown.template.findResources("AWS::Events::Rule");
    const notifyRule = Object.keys(rules).find((id) => id.startsWith("Notify")) as string;
    const busName = `<${onlyLogicalId(shown.template, "AWS::Events::EventBus")}>`;
    const ruleNames = [`<${notifyRule}>`];
    if (variant.includes("webhook"))
      ruleNames.push(
        `<${onlyLogicalIdWhere(shown.template, "AWS::Events::Rule", { Name: `${STACK}-webhook-${WEBHOOK}` })}>`,
      );
    const deliveries = widget(shown, /^EventBridge deliveries that failed/).metrics;

    expect(widget(shown, /^Notifications/).metrics).toContainEqual(
      expect.objectContaining(published(shown, "notify", "NotificationsFailed")),
    );
    expect(deliveries).toHaveLength(ruleNames.length * 3);
    for (const RuleName of ruleNames) {
      for (const metricName of [
        "FailedInvocations",
        "InvocationsSentToDlq",
        "InvocationsFailedToBeSentToDlq",
      ])
        expect(deliveries).toContainEqual(
          expect.objectContaining({
            namespace: "AWS/Events",
            metricName,
            dimensions: { EventBusName: busName, RuleName },
            stat: "Sum",
          }),
        );
    }
  });

  it("graphs the ingest function's store writes, whichever the store", () => {
    const shown = of();
    const writes = widget(shown, /^Series store writes by ingest/).metrics;

    for (const name of [
      INGEST_METRICS.samplesStored,
      INGEST_METRICS.storeRetries,
      INGEST_METRICS.samplesUnwritten,
    ])
      expect(writes).toContainEqual(expect.objectContaining(published(shown, "ingest", name)));
  });

  if (variant.startsWith("LiveAnalytics")) {
    it("graphs Timestream's WriteRecords errors and this table's write latency, and no InfluxDB instance", () => {
      const shown = of();
      const database = `<${onlyLogicalId(shown.template, "AWS::Timestream::Database")}>`;
      const table = `<${onlyLogicalId(shown.template, "AWS::Timestream::Table")}.Name>`;
      const errors = widget(shown, /^Timestream WriteRecords errors/).metrics;
      const latency = widget(shown, /^Timestream WriteRecords latency/).metrics;

      for (const metricName of ["SystemErrors", "UserErrors"])
        expect(errors).toContainEqual(
          expect.objectContaining({
            namespace: "AWS/Timestream",
            metricName,
            dimensions: { Operation: "WriteRecords" },
          }),
        );
      expect(latency).toEqual(
        ["p50", "p99"].map((stat) =>
          expect.objectContaining({
            namespace: "AWS/Timestream",
            metricName: "SuccessfulRequestLatency",
            dimensions: { Operation: "WriteRecords", DatabaseName: database, TableName: table },
            stat,
          }),
        ),
      );
      expect(JSON.stringify(shown.widgets)).not.toContain("TimestreamInfluxDB");
    });
  } else {
    it("searches the InfluxDB instance's utilization by its name, and graphs no Timestream LiveAnalytics metric", () => {
      const shown = of();
      const instance = onlyResource(shown.template, "AWS::Timestream::InfluxDBInstance").Properties.Name;
      const [search, ...others] = widget(shown, /^InfluxDB instance/).metrics;

      expect(others).toEqual([]);
      expect(search?.expression).toMatch(
        new RegExp(
          `^SEARCH\\('Namespace="AWS/TimestreamInfluxDB" "${instance}" \\(MetricName="CPUUtilization"`,
        ),
      );
      expect(allMetrics(shown).filter((metric) => metric.namespace === "AWS/Timestream")).toEqual([]);
    });
  }

  if (variant.includes("stream ingestion")) {
    it("graphs the stream's iterator age and each consumer's, against the ops alarm's threshold", () => {
      const shown = of();
      const stream = `<${onlyLogicalId(shown.template, "AWS::Kinesis::Stream")}>`;
      const lag = widget(shown, /^Telemetry stream: age of the oldest unread record/);
      const alarmId = onlyLogicalIdWhere(shown.template, "AWS::CloudWatch::Alarm", {
        MetricName: "GetRecords.IteratorAgeMilliseconds",
      });
      const alarm = resource(shown.template, "AWS::CloudWatch::Alarm", alarmId).Properties;

      expect(lag.metrics).toEqual([
        expect.objectContaining({
          namespace: "AWS/Kinesis",
          metricName: "GetRecords.IteratorAgeMilliseconds",
          dimensions: { StreamName: stream },
          stat: "Maximum",
        }),
        ...["ingest", "evaluate"].map((service) =>
          expect.objectContaining({
            namespace: "AWS/Lambda",
            metricName: "IteratorAge",
            dimensions: { FunctionName: `<${shown.functionIds[service]}>` },
            stat: "Maximum",
          }),
        ),
      ]);
      expect(lag.properties.annotations.horizontal[0].value).toBe(alarm.Threshold);
    });
  } else {
    it("graphs no iterator age: there is no stream", () => {
      const names = allMetrics(of()).map((metric) => metric.metricName);

      expect(names).not.toContain("IteratorAge");
      expect(names).not.toContain("GetRecords.IteratorAgeMilliseconds");
    });
  }
});
