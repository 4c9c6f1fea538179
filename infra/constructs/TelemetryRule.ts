import { Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as iot from "aws-cdk-lib/aws-iot";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  TELEMETRY_RULE_SQL_VERSION,
  telemetryRuleName,
  telemetryRuleSql,
} from "../../shared/contracts/telemetryRule.ts";
import type { TelemetryTopic } from "../../shared/contracts/telemetryTopic.ts";

export interface TelemetryRuleProps {
  /** Names the rule (`{deploymentName}_telemetry`): devices using Basic Ingest address it by name. */
  readonly deploymentName: string;
  readonly topic: TelemetryTopic;
  /** Invoked (asynchronously) for every message. */
  readonly ingestFunction: lambda.IFunction;
  /** Receives messages an action could not be delivered to. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly deadLetterQueueKey: kms.IKey;
}

/**
 * The `telemetry` IoT rule (C1): the SQL and topic filter from `shared/contracts`, the ingest function
 * as action, and the dead-letter queue as error action through a role only IoT, for this rule, may
 * assume. IoT may invoke the function only on behalf of this rule in this account.
 */
export class TelemetryRule extends Construct {
  readonly rule: iot.CfnTopicRule;
  readonly ruleName: string;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: TelemetryRuleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.ruleName = telemetryRuleName(props.deploymentName);
    // Built from the name (not the rule's attribute), so the invoke permission can precede the rule.
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

    const invokePermission = new lambda.CfnPermission(this, "InvokePermission", {
      functionName: props.ingestFunction.functionArn,
      action: "lambda:InvokeFunction",
      principal: "iot.amazonaws.com",
      sourceArn: this.ruleArn,
      sourceAccount: stack.account,
    });

    this.rule = new iot.CfnTopicRule(this, "Rule", {
      ruleName: this.ruleName,
      topicRulePayload: {
        description: `C1 telemetry from ${props.topic.filter} (and its Basic Ingest topic) to the ingest function`,
        sql: telemetryRuleSql(props.topic),
        awsIotSqlVersion: TELEMETRY_RULE_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: props.ingestFunction.functionArn } }],
        errorAction: {
          sqs: {
            queueUrl: props.deadLetterQueue.queueUrl,
            roleArn: errorActionRole.roleArn,
            useBase64: false,
          },
        },
      },
    });
    // No message may reach the rule before the rule may invoke the function.
    this.rule.addResourceDependency(invokePermission);
  }
}
