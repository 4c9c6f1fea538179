import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as events from "aws-cdk-lib/aws-events";
import type * as kinesis from "aws-cdk-lib/aws-kinesis";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  ENGINE_METRICS,
  INGEST_METRICS,
  NOTIFY_METRICS,
  QUARANTINE_REASON_DIMENSION,
} from "../../shared/contracts/functionMetrics.ts";
import { QUARANTINE_REASONS } from "../../shared/domain/ingest/quarantineReason.ts";
import type { PlantwatchFunction } from "./PlantwatchFunction.ts";

/**
 * Timestream for InfluxDB's instance metrics. AWS documents the metric names (and a dimension
 * `DbInstanceName`), while published examples also use `DBInstanceIdentifier`: the graph is a search
 * for the instance's name, so it finds the instance whichever dimension carries it.
 */
const INFLUX_NAMESPACE = "AWS/TimestreamInfluxDB";
const INFLUX_UTILIZATION_METRICS = ["CPUUtilization", "MemoryUtilization", "DiskUtilization"] as const;

/** Count graphs: sums per five minutes; queue and stream gauges: the worst minute. */
const COUNT_PERIOD = Duration.minutes(5);
const GAUGE_PERIOD = Duration.minutes(1);

/** Where the series are stored, and what the store's own service reports about it. */
export type OpsSeriesStore =
  | { readonly kind: "influxdb"; readonly instanceName: string }
  | { readonly kind: "liveanalytics"; readonly databaseName: string; readonly tableName: string };

export interface OpsDashboardProps {
  readonly dashboardName: string;
  /** The pipeline's functions: their own counts are graphed, and their errors, throttles and durations. */
  readonly pipeline: {
    readonly ingest: PlantwatchFunction;
    readonly evaluate: PlantwatchFunction;
    readonly sweep: PlantwatchFunction;
    readonly notify: PlantwatchFunction;
  };
  /** The other functions whose errors, throttles and durations are graphed, by the label shown. */
  readonly otherFunctions: Readonly<Record<string, lambda.IFunction>>;
  readonly deadLetterQueue: sqs.IQueue;
  /** The alarm bus and the rules on it whose target deliveries are graphed, by the label shown. */
  readonly eventBus: events.IEventBus;
  readonly busRules: Readonly<Record<string, events.IRule>>;
  readonly seriesStore: OpsSeriesStore;
  /** Stream mode: the telemetry stream, its consumers, and the iterator age the ops alarm fires at. */
  readonly stream?: {
    readonly stream: kinesis.IStream;
    /** The functions reading it, by the label shown. */
    readonly consumers: Readonly<Record<string, lambda.IFunction>>;
    readonly maxIteratorAge: Duration;
  };
  /** The deployment's alarms to the ops topic, shown by state at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

/**
 * The pipeline's health on one CloudWatch dashboard: the ops alarms' states first, then what came in
 * and where it went (C6: stored, quarantined by reason, dead letters), the alarm engine and the
 * notifications, the series store, each function's errors, throttles and durations, and in stream
 * mode how far behind the consumers are. The graphs use the metric objects of the functions, queue
 * and stream and the names the functions count under, so a renamed metric fails the build.
 */
export class OpsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard in the CloudWatch console of the stack's region. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const { region } = Stack.of(this);
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.url = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;

    const counted = { period: COUNT_PERIOD, statistic: cloudwatch.Stats.SUM };
    const count = (
      fn: PlantwatchFunction,
      name: string,
      label: string,
      options: cloudwatch.MetricOptions = {},
    ) => fn.metricPublished(name, { ...counted, label, ...options });
    const ingest = (name: string, label: string, options: cloudwatch.MetricOptions = {}) =>
      count(props.pipeline.ingest, name, label, options);
    const quarantinedBy = QUARANTINE_REASONS.map((reason) =>
      ingest(INGEST_METRICS.quarantined, reason, {
        dimensionsMap: { [QUARANTINE_REASON_DIMENSION]: reason },
      }),
    );
    const quarantinedTotal = new cloudwatch.MathExpression({
      expression: `SUM([${quarantinedBy.map((_, index) => `q${index}`).join(",")}])`,
      usingMetrics: Object.fromEntries(quarantinedBy.map((metric, index) => [`q${index}`, metric])),
      label: "quarantine entries (all reasons)",
      period: COUNT_PERIOD,
    });
    const received = ingest(INGEST_METRICS.messagesReceived, "messages received");
    const stored = ingest(INGEST_METRICS.samplesStored, "samples stored");
    const unwritten = ingest(INGEST_METRICS.samplesUnwritten, "samples not written (batch retried)");
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: GAUGE_PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
      label: "messages waiting",
    });
    const oldestDeadLetter = props.deadLetterQueue.metricApproximateAgeOfOldestMessage({
      period: GAUGE_PERIOD,
      statistic: cloudwatch.Stats.MAXIMUM,
      label: "age of the oldest (s)",
    });

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: "Ops alarms (each also notifies the ops topic)",
        alarms: [...props.alarms],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: "Telemetry in the time range shown",
        metrics: [received, stored, quarantinedTotal, unwritten],
        setPeriodToTimeRange: true,
        width: 16,
        height: 4,
      }),
      new cloudwatch.SingleValueWidget({
        title: "Dead-letter queue now (plantwatch dlq list)",
        metrics: [deadLetters, oldestDeadLetter],
        width: 8,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(
      graph("Telemetry: received, stored, quarantined (per 5 min)", [received, stored, quarantinedTotal], 12),
      graph("Quarantine entries by reason (per 5 min)", quarantinedBy, 12, { stacked: true }),
    );
    this.dashboard.addWidgets(
      graph("Dead-letter queue (worst minute)", [deadLetters], 8, { right: [oldestDeadLetter] }),
      graph(
        "Alarm transitions and reminders (per 5 min)",
        [
          count(props.pipeline.evaluate, ENGINE_METRICS.transitions, "transitions (evaluate)"),
          count(props.pipeline.sweep, ENGINE_METRICS.transitions, "transitions (sweep: offline, snoozes)"),
          count(props.pipeline.sweep, ENGINE_METRICS.remindersSent, "reminders (sweep)"),
        ],
        8,
      ),
      graph(
        "Alarm events not yet on the bus (per 5 min)",
        [props.pipeline.evaluate, props.pipeline.sweep].flatMap((fn) => [
          count(fn, ENGINE_METRICS.eventsDeferred, `deferred to the sweep (${fn.serviceName})`),
          count(fn, ENGINE_METRICS.deliveryErrors, `delivery errors (${fn.serviceName})`),
        ]),
        8,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Notifications (per 5 min)",
        [
          count(props.pipeline.notify, NOTIFY_METRICS.sent, "e-mail/SMS sent"),
          count(props.pipeline.notify, NOTIFY_METRICS.webhookEventsSent, "webhook events put on the bus"),
          count(props.pipeline.notify, NOTIFY_METRICS.failed, "failed (retried, then dead-lettered)"),
        ],
        12,
      ),
      graph(
        "EventBridge deliveries that failed (notify and webhook rules, per 5 min)",
        Object.entries(props.busRules).flatMap(([label, rule]) =>
          (
            [
              ["FailedInvocations", "failed"],
              ["InvocationsSentToDlq", "sent to the dead-letter queue"],
              ["InvocationsFailedToBeSentToDlq", "lost: dead-letter queue refused"],
            ] as const
          ).map(
            ([metricName, what]) =>
              new cloudwatch.Metric({
                namespace: "AWS/Events",
                metricName,
                // Rules on a custom bus report under both dimensions.
                dimensionsMap: { EventBusName: props.eventBus.eventBusName, RuleName: rule.ruleName },
                ...counted,
                label: `${label}: ${what}`,
              }),
          ),
        ),
        12,
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Series store writes by ingest (per 5 min)",
        [stored, ingest(INGEST_METRICS.storeRetries, "requests retried (throttled, 5xx)"), unwritten],
        8,
      ),
      ...seriesStoreWidgets(props.seriesStore),
    );
    const functions = Object.entries({ ...props.pipeline, ...props.otherFunctions });
    this.dashboard.addWidgets(
      graph(
        "Function errors (per 5 min)",
        functions.map(([label, fn]) => fn.metricErrors({ ...counted, label })),
        6,
      ),
      graph(
        "Function throttles (per 5 min)",
        functions.map(([label, fn]) => fn.metricThrottles({ ...counted, label })),
        6,
      ),
      ...(["p50", "p99"] as const).map((statistic) =>
        graph(
          `Function duration ${statistic} (ms)`,
          functions.map(([label, fn]) => fn.metricDuration({ period: COUNT_PERIOD, statistic, label })),
          6,
        ),
      ),
    );
    if (props.stream) {
      const { stream, consumers, maxIteratorAge } = props.stream;
      this.dashboard.addWidgets(
        graph(
          "Telemetry stream: age of the oldest unread record (ms, worst minute)",
          [
            stream.metricGetRecordsIteratorAgeMilliseconds({
              period: GAUGE_PERIOD,
              statistic: cloudwatch.Stats.MAXIMUM,
              label: "stream (GetRecords)",
            }),
            ...Object.entries(consumers).map(([label, fn]) =>
              fn.metric("IteratorAge", {
                period: GAUGE_PERIOD,
                statistic: cloudwatch.Stats.MAXIMUM,
                label: `${label} (its Lambda mapping)`,
              }),
            ),
          ],
          24,
          {
            leftAnnotations: [
              { value: maxIteratorAge.toMilliseconds(), label: "ops alarm", color: cloudwatch.Color.RED },
            ],
          },
        ),
      );
    }
  }
}

function graph(
  title: string,
  left: readonly cloudwatch.IMetric[],
  width: number,
  options: Omit<cloudwatch.GraphWidgetProps, "title" | "left" | "width"> = {},
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: [...left], width, height: 6, ...options });
}

/** What the store's own service says: the instance's load (InfluxDB), or WriteRecords (LiveAnalytics). */
function seriesStoreWidgets(store: OpsSeriesStore): cloudwatch.IWidget[] {
  if (store.kind === "influxdb") {
    const metricNames = INFLUX_UTILIZATION_METRICS.map((name) => `MetricName="${name}"`).join(" OR ");
    return [
      graph(
        `InfluxDB instance ${store.instanceName}: CPU, memory, disk (%)`,
        [
          new cloudwatch.MathExpression({
            expression: `SEARCH('Namespace="${INFLUX_NAMESPACE}" "${store.instanceName}" (${metricNames})', 'Maximum', 300)`,
            label: "",
            period: COUNT_PERIOD,
          }),
        ],
        16,
        { leftYAxis: { min: 0, max: 100 } },
      ),
    ];
  }
  const timestream = (
    metricName: string,
    dimensionsMap: Record<string, string>,
    options: cloudwatch.MetricOptions,
  ) => new cloudwatch.Metric({ namespace: "AWS/Timestream", metricName, dimensionsMap, ...options });
  const table = { DatabaseName: store.databaseName, TableName: store.tableName };
  const counted = { period: COUNT_PERIOD, statistic: cloudwatch.Stats.SUM };
  return [
    graph(
      "Timestream WriteRecords errors (whole account, per 5 min)",
      [
        // Timestream reports its error counts per operation only, not per table.
        timestream("SystemErrors", { Operation: "WriteRecords" }, { ...counted, label: "system errors" }),
        timestream("UserErrors", { Operation: "WriteRecords" }, { ...counted, label: "user errors" }),
        timestream("MagneticStoreRejectedRecordCount", table, {
          ...counted,
          label: "late records rejected (this table)",
        }),
      ],
      8,
    ),
    graph(
      "Timestream WriteRecords latency, this table (ms)",
      (["p50", "p99"] as const).map((statistic) =>
        timestream(
          "SuccessfulRequestLatency",
          { Operation: "WriteRecords", ...table },
          { period: COUNT_PERIOD, statistic, label: statistic },
        ),
      ),
      8,
    ),
  ];
}
