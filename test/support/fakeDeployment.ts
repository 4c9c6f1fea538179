import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { IoTClient } from "@aws-sdk/client-iot";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DoctorClients } from "../../doctor/awsDoctorPorts.ts";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint, verbatim } from "./fakeEndpoint.ts";
import { awsJson, awsQuery, escapeXml, restJson } from "./fakeEndpointProtocols.ts";
import { lambdaProtocol } from "./fakeLambda.ts";
import { snsProtocol } from "./fakeSns.ts";
import { sqsProtocol } from "./fakeSqs.ts";
import type { LocalServer } from "./localHttpServer.ts";

/** One call the fake received, as the service would see it. */
export interface DeploymentCall {
  readonly service: "cloudformation" | "cloudwatch" | "sns" | "lambda" | "iot" | "sqs";
  readonly operation: string;
  /** The decoded parameters: form fields, JSON body, or the path's name. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface FakeSubscription {
  readonly protocol: string;
  readonly endpoint: string;
  readonly confirmed: boolean;
}

/** What the deployment looks like; tests change it between runs. */
export interface DeploymentState {
  stackName: string;
  outputs: Record<string, string>;
  /** What CloudWatch writes in the alarm history when an alarm goes to ALARM (undefined: nothing). */
  alarmActionSummary: ((alarmName: string, topicArn: string) => string) | undefined;
  subscriptions: FakeSubscription[];
  /** The ingest function's answer to an Invoke. */
  ingest: (event: unknown) => { readonly payload: unknown; readonly functionError?: string };
  /** Rule name → disabled; a rule not listed does not exist. */
  rules: Record<string, boolean>;
  queue: { visible: number; inFlight: number };
}

export interface FakeDeployment extends LocalServer {
  readonly state: DeploymentState;
  readonly calls: readonly DeploymentCall[];
  /** Every alarm state CloudWatch was told to set, in order: `name=STATE (reason)`. */
  readonly alarmStates: readonly string[];
  /** Forgets the alarm history (CloudWatch keeps it for weeks; each test starts clean). */
  clearHistory(): void;
  /** SDK clients of every service, each at this endpoint. */
  clients(): DoctorClients;
}

/**
 * One local endpoint standing in for a deployed stack, speaking what each SDK client of 3.11xx
 * sends: CloudFormation and SNS (query protocol, XML answers), CloudWatch and SQS (AWS JSON 1.0 with
 * `X-Amz-Target`), Lambda and IoT (REST JSON). It serves only the calls `plantwatch doctor` makes,
 * refuses any other (so a new call shows in the tests), and keeps CloudWatch's alarm history.
 */
export async function startFakeDeployment(initial: DeploymentState): Promise<FakeDeployment> {
  const state = initial;
  const alarmStates: string[] = [];
  const history: { alarmName: string; timestamp: number; summary: string }[] = [];
  const input = (call: FakeCall) => call.body as Record<string, unknown>;

  const describeStacks = (call: FakeCall) => {
    const stackName = input(call).StackName;
    if (stackName !== state.stackName) {
      throw new FakeServiceError(400, "ValidationError", `Stack with id ${String(stackName)} does not exist`);
    }
    const members = Object.entries(state.outputs)
      .map(
        ([key, value]) =>
          `<member><OutputKey>${key}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`,
      )
      .join("");
    return `<Stacks><member><StackName>${state.stackName}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${state.stackName}/1</StackId><CreationTime>2026-11-25T12:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks>`;
  };

  const setAlarmState = (call: FakeCall) => {
    const { AlarmName, StateValue, StateReason } = input(call);
    const alarmName = String(AlarmName);
    alarmStates.push(`${alarmName}=${String(StateValue)} (${String(StateReason)})`);
    const summary = state.alarmActionSummary?.(alarmName, state.outputs.OpsTopicArn ?? "");
    if (StateValue === "ALARM" && summary !== undefined) {
      history.push({ alarmName, timestamp: Date.now(), summary });
    }
    return {};
  };

  const describeAlarmHistory = (call: FakeCall) => {
    const { AlarmName, StartDate } = input(call);
    const since = Number(StartDate) * 1000;
    const items = history
      // StartDate arrives in epoch seconds; a second's rounding may not hide an item.
      .filter((item) => item.alarmName === String(AlarmName) && item.timestamp >= since - 1000)
      .reverse()
      .map((item) => ({
        AlarmName: item.alarmName,
        AlarmType: "MetricAlarm",
        Timestamp: item.timestamp / 1000,
        HistoryItemType: "Action",
        HistorySummary: item.summary,
      }));
    return { AlarmHistoryItems: items };
  };

  const listSubscriptionsByTopic = (call: FakeCall) => {
    const topicArn = String(input(call).TopicArn ?? "");
    const members = state.subscriptions
      .map(
        (subscription, index) =>
          `<member><TopicArn>${topicArn}</TopicArn><Protocol>${subscription.protocol}</Protocol><SubscriptionArn>${subscription.confirmed ? `${topicArn}:sub-${index}` : "PendingConfirmation"}</SubscriptionArn><Owner>123456789012</Owner><Endpoint>${escapeXml(subscription.endpoint)}</Endpoint></member>`,
      )
      .join("");
    return `<Subscriptions>${members}</Subscriptions>`;
  };

  const invoke = (call: FakeCall) => {
    const answer = state.ingest(JSON.parse(String(call.body)));
    return verbatim({
      status: 200,
      headers: {
        "content-type": "application/json",
        ...(answer.functionError ? { "x-amz-function-error": answer.functionError } : {}),
      },
      body: JSON.stringify(answer.payload),
    });
  };

  const getTopicRule = ({ params: [ruleName = ""] }: FakeCall) => {
    const disabled = state.rules[ruleName];
    if (disabled === undefined) {
      // What IoT answers for a rule that does not exist, as for one the caller may not read.
      throw new FakeServiceError(401, "UnauthorizedException", "Access to the requested resource was denied");
    }
    return {
      ruleArn: `arn:aws:iot:eu-west-1:123456789012:rule/${ruleName}`,
      rule: {
        ruleName,
        sql: "SELECT * FROM 'x'",
        ruleDisabled: disabled,
        actions: [],
        awsIotSqlVersion: "2016-03-23",
      },
    };
  };

  const getQueueAttributes = () => ({
    Attributes: {
      ApproximateNumberOfMessages: String(state.queue.visible),
      ApproximateNumberOfMessagesNotVisible: String(state.queue.inFlight),
    },
  });

  const endpoint = await startFakeEndpoint<DeploymentCall>({
    services: [
      {
        name: "cloudformation",
        protocol: awsQuery({
          version: "2010-05-15",
          xmlNamespace: "http://cloudformation.amazonaws.com/doc/2010-05-15/",
        }),
        operations: { DescribeStacks: describeStacks },
      },
      {
        name: "cloudwatch",
        protocol: awsJson({ targetPrefix: "GraniteServiceVersion20100801.", version: "1.0" }),
        operations: { SetAlarmState: setAlarmState, DescribeAlarmHistory: describeAlarmHistory },
      },
      {
        name: "sns",
        protocol: snsProtocol(),
        operations: { ListSubscriptionsByTopic: listSubscriptionsByTopic },
      },
      { name: "lambda", protocol: lambdaProtocol(), operations: { Invoke: invoke } },
      {
        name: "iot",
        protocol: restJson({ routes: { GetTopicRule: "GET /rules/{ruleName}" } }),
        operations: { GetTopicRule: getTopicRule },
      },
      { name: "sqs", protocol: sqsProtocol(), operations: { GetQueueAttributes: getQueueAttributes } },
    ],
    record: ({ call, error }) => {
      if (call === undefined || error?.type === "UnknownOperationException") return undefined;
      return {
        service: call.service as DeploymentCall["service"],
        operation: call.operation,
        params: paramsOf(call),
      };
    },
  });

  const config = { ...TEST_CLIENT_CONFIG, endpoint: endpoint.endpoint, maxAttempts: 1 };
  return {
    ...endpoint,
    state,
    calls: endpoint.requests,
    alarmStates,
    clearHistory: () => {
      history.length = 0;
    },
    clients: () => ({
      cloudFormation: new CloudFormationClient(config),
      cloudWatch: new CloudWatchClient(config),
      sns: new SNSClient(config),
      lambda: new LambdaClient(config),
      iot: new IoTClient(config),
      sqs: new SQSClient(config),
    }),
  };
}

/** A call's parameters as `calls` shows them: the form or JSON input, or what the REST path and body carry. */
function paramsOf(call: FakeCall): Record<string, unknown> {
  if (call.service === "lambda") {
    return {
      functionName: call.params[0],
      invocationType: call.headers["x-amz-invocation-type"] ?? "RequestResponse",
      event: JSON.parse(String(call.body)),
    };
  }
  if (call.service === "iot") return { ruleName: call.params[0] };
  return call.body as Record<string, unknown>;
}
