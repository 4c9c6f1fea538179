import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { GetTopicRuleCommand, IoTClient } from "@aws-sdk/client-iot";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { AlarmActionItem, DoctorPorts, IngestAnswer, Subscription } from "./checks.ts";

/** The SDK clients of one doctor run. */
export interface DoctorClients {
  readonly cloudFormation: CloudFormationClient;
  readonly cloudWatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly lambda: LambdaClient;
  readonly iot: IoTClient;
  readonly sqs: SQSClient;
}

export function doctorClients(config: Record<string, unknown>): DoctorClients {
  return {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    sns: new SNSClient(config),
    lambda: new LambdaClient(config),
    iot: new IoTClient(config),
    sqs: new SQSClient(config),
  };
}

export function destroyClients(clients: DoctorClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

/** The doctor's ports on AWS: one call (or one paginated series) per method. */
export function awsDoctorPorts(
  clients: DoctorClients,
  stackOutputs: () => Promise<Record<string, string>>,
): DoctorPorts {
  return {
    stackOutputs,

    async setAlarmState(alarmName, state, reason) {
      await clients.cloudWatch.send(
        new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: reason }),
      );
    },

    async alarmActions(alarmName, since): Promise<AlarmActionItem[]> {
      const { AlarmHistoryItems } = await clients.cloudWatch.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: alarmName,
          HistoryItemType: "Action",
          StartDate: new Date(since),
          ScanBy: "TimestampDescending",
        }),
      );
      return (AlarmHistoryItems ?? []).map((item) => ({
        timestamp: item.Timestamp?.getTime() ?? 0,
        summary: item.HistorySummary ?? "",
      }));
    },

    async subscriptions(topicArn): Promise<Subscription[]> {
      const found: Subscription[] = [];
      let NextToken: string | undefined;
      do {
        const page = await clients.sns.send(
          new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }),
        );
        for (const subscription of page.Subscriptions ?? []) {
          found.push({
            protocol: subscription.Protocol ?? "?",
            endpoint: subscription.Endpoint ?? "?",
            // SNS lists an unconfirmed subscription with this placeholder instead of an ARN.
            pending: subscription.SubscriptionArn === "PendingConfirmation",
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
      return found;
    },

    async invokeIngest(functionName, event): Promise<IngestAnswer> {
      const answer = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : "";
      let payload: unknown = text;
      try {
        payload = text === "" ? null : JSON.parse(text);
      } catch {
        // Not JSON: reported as the text it is.
      }
      return { ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}), payload };
    },

    async topicRuleDisabled(ruleName) {
      try {
        const { rule } = await clients.iot.send(new GetTopicRuleCommand({ ruleName }));
        return rule?.ruleDisabled ?? false;
      } catch (error) {
        // IoT answers GetTopicRule for a rule that does not exist with UnauthorizedException.
        const { name } = error as Error;
        if (name === "ResourceNotFoundException" || name === "UnauthorizedException") return undefined;
        throw error;
      }
    },

    async queueDepth(queueUrl) {
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },

    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
