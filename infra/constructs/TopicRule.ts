import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as iot from "aws-cdk-lib/aws-iot";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { TelemetryStream } from "./TelemetryStream.ts";

export interface TopicRuleProps {
  /** From `shared/contracts` (devices using Basic Ingest address the telemetry rule by name). */
  readonly ruleName: string;
  readonly description: string;
  /** From `shared/contracts`: the same SQL the local stack evaluates. */
  readonly sql: string;
  readonly sqlVersion: string;
  /**
   * Each invoked (asynchronously) with every message, as an action of its own, so that one
   * function's failure or throttling never delays another. Keyed by the id of its invoke permission.
   */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /**
   * An action that puts each message on this stream as one record under the partition key (an IoT
   * substitution template such as `${topic(3)}`), through a role only IoT, for this rule, may
   * assume. The telemetry rule in stream mode has this action and no functions. @default - none
   */
  readonly stream?: { readonly target: TelemetryStream; readonly partitionKey: string };
  /** Receives messages an action could not be delivered to. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly deadLetterQueueKey: kms.IKey;
}

/**
 * An IoT topic rule whose actions invoke Lambda functions (or, for the telemetry rule in stream
 * mode, put records on a Kinesis stream), with the dead-letter queue as error action through a role
 * only IoT, for this rule, may assume. IoT may invoke each function only on behalf of this rule in
 * this account. Serves the `telemetry` and the `lifecycle` rules.
 */
export class TopicRule extends Construct {
  readonly rule: iot.CfnTopicRule;
  readonly ruleName: string;
  readonly ruleArn: string;
  /** Sends the rule's undeliverable messages to the dead-letter queue. */
  readonly errorActionRole: iam.Role;

  constructor(scope: Construct, id: string, props: TopicRuleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.ruleName = props.ruleName;
    // Built from the name (not the rule's attribute), so the invoke permissions can precede the rule.
    this.ruleArn = stack.formatArn({ service: "iot", resource: "rule", resourceName: this.ruleName });

    const errorActionRole = new iam.Role(this, "ErrorActionRole", {
      description: `Lets IoT rule ${this.ruleName} park undeliverable messages in the dead-letter queue`,
      assumedBy: this.#iotOnBehalfOfThisRule(),
    });
    this.errorActionRole = errorActionRole;
    errorActionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "SendToDeadLetterQueue",
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
    errorActionRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "EncryptForDeadLetterQueue",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [props.deadLetterQueueKey.keyArn],
        conditions: { StringEquals: { "kms:ViaService": `sqs.${stack.region}.amazonaws.com` } },
      }),
    );

    const stream = props.stream;
    const functions = props.functions;
    const invokePermissions = Object.entries(functions).map(
      ([permissionId, fn]) =>
        new lambda.CfnPermission(this, permissionId, {
          functionName: fn.functionArn,
          action: "lambda:InvokeFunction",
          principal: "iot.amazonaws.com",
          sourceArn: this.ruleArn,
          sourceAccount: stack.account,
        }),
    );
    const actions: iot.CfnTopicRule.ActionProperty[] = Object.values(functions).map((fn) => ({
      lambda: { functionArn: fn.functionArn },
    }));
    let putRole: iam.Role | undefined;
    if (stream) {
      putRole = new iam.Role(this, "StreamActionRole", {
        description: `Lets IoT rule ${this.ruleName} put messages on the telemetry stream`,
        assumedBy: this.#iotOnBehalfOfThisRule(),
      });
      stream.target.allowPut(putRole);
      actions.push({
        kinesis: {
          streamName: stream.target.stream.streamName,
          partitionKey: stream.partitionKey,
          roleArn: putRole.roleArn,
        },
      });
    }

    this.rule = new iot.CfnTopicRule(this, "Rule", {
      ruleName: this.ruleName,
      topicRulePayload: {
        description: props.description,
        sql: props.sql,
        awsIotSqlVersion: props.sqlVersion,
        ruleDisabled: false,
        actions,
        errorAction: {
          sqs: {
            queueUrl: props.deadLetterQueue.queueUrl,
            roleArn: errorActionRole.roleArn,
            useBase64: false,
          },
        },
      },
    });
    // No message may reach the rule before the rule may invoke its functions.
    for (const permission of invokePermissions) this.rule.addResourceDependency(permission);
    // Nor before the rule may put records on the stream.
    const putPolicy = putRole?.node.tryFindChild("DefaultPolicy");
    if (putPolicy) this.rule.node.addDependency(putPolicy);
  }

  /** IoT, acting for this rule in this account only (confused-deputy protection). */
  #iotOnBehalfOfThisRule(): iam.ServicePrincipal {
    return new iam.ServicePrincipal("iot.amazonaws.com", {
      conditions: {
        StringEquals: { "aws:SourceAccount": Stack.of(this).account },
        ArnEquals: { "aws:SourceArn": this.ruleArn },
      },
    });
  }
}
