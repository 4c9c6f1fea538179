import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as kinesis from "aws-cdk-lib/aws-kinesis";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { deadLetterAlarmName, opsAlarmName } from "../opsAlarmNames.ts";

export interface OpsAlarmsProps {
  /** Every alarm's name starts with this (the ops topic's key policy admits alarms by this prefix). */
  readonly alarmNamePrefix: string;
  readonly opsTopic: sns.ITopic;
  readonly deadLetterQueue: sqs.IQueue;
  /** Each function's errors raise an alarm of its own, named by the key. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** IoT topic rule names whose action failures raise an alarm, keyed by a short name. */
  readonly topicRules: Readonly<Record<string, string>>;
  /**
   * Stream mode: the telemetry stream, whose oldest unread record may not get older than this. A
   * consumer that keeps naming a failing record retries it without erroring, so only the iterator
   * age shows that the stream is stuck (or that the functions fall behind).
   */
  readonly stream?: { readonly stream: kinesis.IStream; readonly maxIteratorAge: Duration };
}

/**
 * The deployment's own health, to the ops topic (on alarm and when it recovers): anything in the
 * dead-letter queue (C6: nothing is lost silently, and nothing waits there unnoticed), any function
 * error, any IoT rule action failure. Each alarm fires on one bad minute or five-minute period; a
 * period without data is not a failure.
 */
export class OpsAlarms extends Construct {
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: OpsAlarmsProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.opsTopic);
    const alarm = (
      alarmId: string,
      name: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold = 0,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName: name,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    this.alarms = [
      alarm(
        "DeadLetters",
        deadLetterAlarmName(props.alarmNamePrefix),
        "Messages are waiting in the dead-letter queue: inspect with `plantwatch dlq list`, re-drive with `plantwatch dlq replay`",
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      ),
      ...Object.entries(props.functions).map(([name, fn]) =>
        alarm(
          `${capitalize(name)}Errors`,
          opsAlarmName(props.alarmNamePrefix, `${name}-errors`),
          `The ${name} function failed: see its log group`,
          fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        ),
      ),
      ...Object.entries(props.topicRules).map(([name, ruleName]) =>
        alarm(
          `${capitalize(name)}RuleFailures`,
          opsAlarmName(props.alarmNamePrefix, `${name}-rule-failures`),
          `IoT rule ${ruleName} could not run an action; the message went to its error action (the dead-letter queue)`,
          new cloudwatch.Metric({
            namespace: "AWS/IoT",
            metricName: "Failure",
            dimensionsMap: { RuleName: ruleName },
            period: Duration.minutes(5),
            statistic: cloudwatch.Stats.SUM,
          }),
        ),
      ),
      ...(props.stream
        ? [
            alarm(
              "StreamIteratorAge",
              opsAlarmName(props.alarmNamePrefix, "stream-iterator-age"),
              `The telemetry stream's oldest unread record is older than ${props.stream.maxIteratorAge.toHumanString()}: the ingest or evaluate function is stuck on a batch or falling behind (see their logs; failed batches end in the dead-letter queue)`,
              props.stream.stream.metricGetRecordsIteratorAgeMilliseconds({
                period: Duration.minutes(1),
                statistic: cloudwatch.Stats.MAXIMUM,
              }),
              props.stream.maxIteratorAge.toMilliseconds(),
            ),
          ]
        : []),
    ];
  }
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
