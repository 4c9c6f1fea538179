import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as iot from "aws-cdk-lib/aws-iot";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

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
  /** Receives messages an action could not be delivered to. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly deadLetterQueueKey: kms.IKey;
}

/**
 * An IoT topic rule whose actions invoke Lambda functions, with the dead-letter queue as error
 * action through a role only IoT, for this rule, may assume. IoT may invoke each function only on
 * behalf of this rule in this account. Serves the `telemetry` and the `lifecycle` rules.
 */
export class TopicRule extends Construct {
  readonly rule: iot.CfnTopicRule;
  readonly ruleName: string;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: TopicRuleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.ruleName = props.ruleName;
    // Built from the name (not the rule's attribute), so the invoke permissions can precede the rule.
    this.ruleArn = stack.formatArn({ service: "iot", resource: "rule", resourceName: this.ruleName });

    const errorActionRole = new iam.Role(this, "ErrorActionRole", {
      description: `Lets IoT rule ${this.ruleName} park undeliverable messages in the dead-letter queue`,
      assumedBy: new iam.ServicePrincipal("iot.amazonaws.com", {
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnEquals: { "aws:SourceArn": this.ruleArn },
        },
      }),
    });
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

    const invokePermissions = Object.entries(props.functions).map(
      ([permissionId, fn]) =>
        new lambda.CfnPermission(this, permissionId, {
          functionName: fn.functionArn,
          action: "lambda:InvokeFunction",
          principal: "iot.amazonaws.com",
          sourceArn: this.ruleArn,
          sourceAccount: stack.account,
        }),
    );

    this.rule = new iot.CfnTopicRule(this, "Rule", {
      ruleName: this.ruleName,
      topicRulePayload: {
        description: props.description,
        sql: props.sql,
        awsIotSqlVersion: props.sqlVersion,
        ruleDisabled: false,
        actions: Object.values(props.functions).map((fn) => ({ lambda: { functionArn: fn.functionArn } })),
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
  }
}
