import { type RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iot from "aws-cdk-lib/aws-iot";
import { Construct } from "constructs";
import type { TelemetryTopic } from "../../shared/contracts/telemetryTopic.ts";

/** IoT policy variable: the name of the thing the connection's certificate is attached to. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, resolved by IoT Core
export const THING_NAME_VARIABLE = "${iot:Connection.Thing.ThingName}";

export interface DevicePolicyProps {
  readonly topic: TelemetryTopic;
  /** The telemetry rule, for the Basic Ingest topic. */
  readonly telemetryRuleName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The IoT policy attached to every device certificate (C1): a device connects only with its own
 * thing name as client id, and only while its certificate is attached to that thing; it publishes
 * only its own telemetry, to the broker topic or the Basic Ingest topic. Nothing else: no subscribe,
 * no receive, no shadow, no other thing's topics.
 */
export class DevicePolicy extends Construct {
  readonly policy: iot.CfnPolicy;
  readonly policyName: string;

  constructor(scope: Construct, id: string, props: DevicePolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const iotArn = (resource: string) =>
      `arn:${stack.partition}:iot:${stack.region}:${stack.account}:${resource}`;

    this.policy = new iot.CfnPolicy(this, "Policy", {
      policyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConnectAsOwnThing",
            Effect: "Allow",
            Action: "iot:Connect",
            Resource: iotArn(`client/${THING_NAME_VARIABLE}`),
            Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
          },
          {
            Sid: "PublishOwnTelemetry",
            Effect: "Allow",
            Action: "iot:Publish",
            Resource: [
              iotArn(`topic/${props.topic.topicFor(THING_NAME_VARIABLE)}`),
              iotArn(
                `topic/${props.topic.basicIngestTopicFor(props.telemetryRuleName, THING_NAME_VARIABLE)}`,
              ),
            ],
          },
        ],
      },
    });
    this.policy.applyRemovalPolicy(props.removalPolicy);
    this.policyName = this.policy.ref;
  }
}
