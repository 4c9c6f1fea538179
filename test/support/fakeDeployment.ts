import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { IoTClient } from "@aws-sdk/client-iot";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { DoctorClients } from "../../cli/doctor/awsDoctorPorts.ts";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type LocalReply, type LocalRequest, type LocalServer, startLocalServer } from "./localHttpServer.ts";

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

const CFN_NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const SNS_NS = "http://sns.amazonaws.com/doc/2010-03-31/";
const json10 = (body: unknown): LocalReply => ({
  status: 200,
  headers: { "content-type": "application/x-amz-json-1.0" },
  body: JSON.stringify(body),
});
const xml = (body: string): LocalReply => ({ status: 200, headers: { "content-type": "text/xml" }, body });
const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * One local endpoint standing in for a deployed stack, speaking what each SDK client of 3.11xx
 * sends: CloudFormation and SNS (query protocol, XML answers), CloudWatch and SQS (AWS JSON 1.0 with
 * `X-Amz-Target`), Lambda and IoT (REST JSON). It serves only the calls `plantwatch doctor` makes,
 * refuses any other (so a new call shows in the tests), and keeps CloudWatch's alarm history.
 */
export async function startFakeDeployment(initial: DeploymentState): Promise<FakeDeployment> {
  const state = initial;
  const calls: DeploymentCall[] = [];
  const alarmStates: string[] = [];
  const history: { alarmName: string; timestamp: number; summary: string }[] = [];

  const handle = (request: LocalRequest): LocalReply => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const text = request.body.toString();
    if (target.startsWith("GraniteServiceVersion20100801."))
      return cloudWatch(target.split(".")[1] ?? "", JSON.parse(text));
    if (target.startsWith("AmazonSQS.")) return sqs(target.split(".")[1] ?? "", JSON.parse(text));
    const lambdaPath = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url);
    if (lambdaPath && request.method === "POST")
      return lambda(decodeURIComponent(lambdaPath[1] ?? ""), request, text);
    const rulePath = /^\/rules\/([^/?]+)/.exec(request.url);
    if (rulePath && request.method === "GET") return iot(decodeURIComponent(rulePath[1] ?? ""));
    const form = Object.fromEntries(new URLSearchParams(text));
    if (form.Action === "DescribeStacks") return cloudFormation(form);
    if (form.Action === "ListSubscriptionsByTopic") return sns(form);
    throw new Error(`the fake deployment does not serve ${request.method} ${request.url} ${target} ${text}`);
  };

  const cloudFormation = (form: Record<string, string>): LocalReply => {
    calls.push({ service: "cloudformation", operation: "DescribeStacks", params: form });
    if (form.StackName !== state.stackName) {
      return {
        status: 400,
        headers: { "content-type": "text/xml" },
        body: `<ErrorResponse xmlns="${CFN_NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${form.StackName} does not exist</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      };
    }
    const members = Object.entries(state.outputs)
      .map(
        ([key, value]) =>
          `<member><OutputKey>${key}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`,
      )
      .join("");
    return xml(
      `<DescribeStacksResponse xmlns="${CFN_NS}"><DescribeStacksResult><Stacks><member><StackName>${state.stackName}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${state.stackName}/1</StackId><CreationTime>2026-11-25T12:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  };

  const cloudWatch = (operation: string, body: Record<string, unknown>): LocalReply => {
    calls.push({ service: "cloudwatch", operation, params: body });
    const alarmName = String(body.AlarmName);
    if (operation === "SetAlarmState") {
      alarmStates.push(`${alarmName}=${String(body.StateValue)} (${String(body.StateReason)})`);
      const summary = state.alarmActionSummary?.(alarmName, state.outputs.OpsTopicArn ?? "");
      if (body.StateValue === "ALARM" && summary !== undefined) {
        history.push({ alarmName, timestamp: Date.now(), summary });
      }
      return json10({});
    }
    if (operation === "DescribeAlarmHistory") {
      const since = Number(body.StartDate) * 1000;
      const items = history
        // StartDate arrives in epoch seconds; a second's rounding may not hide an item.
        .filter((item) => item.alarmName === alarmName && item.timestamp >= since - 1000)
        .reverse()
        .map((item) => ({
          AlarmName: item.alarmName,
          AlarmType: "MetricAlarm",
          Timestamp: item.timestamp / 1000,
          HistoryItemType: "Action",
          HistorySummary: item.summary,
        }));
      return json10({ AlarmHistoryItems: items });
    }
    throw new Error(`CloudWatch ${operation} is not served`);
  };

  const sns = (form: Record<string, string>): LocalReply => {
    calls.push({ service: "sns", operation: "ListSubscriptionsByTopic", params: form });
    const topicArn = form.TopicArn ?? "";
    const members = state.subscriptions
      .map(
        (subscription, index) =>
          `<member><TopicArn>${topicArn}</TopicArn><Protocol>${subscription.protocol}</Protocol><SubscriptionArn>${subscription.confirmed ? `${topicArn}:sub-${index}` : "PendingConfirmation"}</SubscriptionArn><Owner>123456789012</Owner><Endpoint>${escapeXml(subscription.endpoint)}</Endpoint></member>`,
      )
      .join("");
    return xml(
      `<ListSubscriptionsByTopicResponse xmlns="${SNS_NS}"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`,
    );
  };

  const lambda = (functionName: string, request: LocalRequest, text: string): LocalReply => {
    const invocationType = String(request.headers["x-amz-invocation-type"] ?? "RequestResponse");
    const event = JSON.parse(text) as unknown;
    calls.push({ service: "lambda", operation: "Invoke", params: { functionName, invocationType, event } });
    const answer = state.ingest(event);
    return {
      status: 200,
      headers: {
        "content-type": "application/json",
        ...(answer.functionError ? { "x-amz-function-error": answer.functionError } : {}),
      },
      body: JSON.stringify(answer.payload),
    };
  };

  const iot = (ruleName: string): LocalReply => {
    calls.push({ service: "iot", operation: "GetTopicRule", params: { ruleName } });
    const disabled = state.rules[ruleName];
    if (disabled === undefined) {
      return {
        status: 401,
        headers: { "content-type": "application/json", "x-amzn-errortype": "UnauthorizedException" },
        body: JSON.stringify({ message: "Access to the requested resource was denied" }),
      };
    }
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        ruleArn: `arn:aws:iot:eu-west-1:123456789012:rule/${ruleName}`,
        rule: {
          ruleName,
          sql: "SELECT * FROM 'x'",
          ruleDisabled: disabled,
          actions: [],
          awsIotSqlVersion: "2016-03-23",
        },
      }),
    };
  };

  const sqs = (operation: string, body: Record<string, unknown>): LocalReply => {
    calls.push({ service: "sqs", operation, params: body });
    if (operation !== "GetQueueAttributes") throw new Error(`SQS ${operation} is not served`);
    return json10({
      Attributes: {
        ApproximateNumberOfMessages: String(state.queue.visible),
        ApproximateNumberOfMessagesNotVisible: String(state.queue.inFlight),
      },
    });
  };

  const server = await startLocalServer(handle);
  const config = { ...TEST_CLIENT_CONFIG, endpoint: server.endpoint, maxAttempts: 1 };
  return {
    ...server,
    state,
    calls,
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
