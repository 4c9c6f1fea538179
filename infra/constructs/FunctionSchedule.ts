import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface FunctionScheduleProps {
  /** Unique within the schedule's own group. */
  readonly scheduleName: string;
  readonly description: string;
  /** An EventBridge Scheduler expression, e.g. `rate(1 minute)`. */
  readonly expression: string;
  /** Invoked (asynchronously) at every occurrence. */
  readonly target: lambda.IFunction;
  /** Receives occurrences that could not be delivered after the retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Encrypts the schedule and the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Retries of a failed delivery. @default 2 */
  readonly retryAttempts?: number;
  /** How long an occurrence may still be delivered (60 s to 24 h). @default 2 minutes */
  readonly maxEventAge?: Duration;
}

/**
 * An EventBridge Scheduler schedule that invokes one function, in a schedule group of its own, with
 * retries and a dead-letter queue, encrypted with the deployment key.
 *
 * Its role may be assumed only by EventBridge Scheduler for schedules of that group in this account,
 * and may do exactly three things: invoke the function, send to the dead-letter queue (encrypting
 * with the key), and decrypt the schedule. It is written out here rather than left to the L2
 * `Schedule` and `LambdaInvoke` target, which would grant invocation of every version and alias of
 * the function (`<function>:*`) and send to the queue without the key permission its encryption needs.
 */
export class FunctionSchedule extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly schedule: scheduler.CfnSchedule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Holds no data: it goes with the stack (the L2 would retain it, and its fixed name would then
    // block the next deployment of the same stack).
    this.group = new scheduler.ScheduleGroup(this, "Group", { removalPolicy: RemovalPolicy.DESTROY });

    this.role = new iam.Role(this, "Role", {
      description: `Lets EventBridge Scheduler run ${props.scheduleName} (${props.expression})`,
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: {
          StringEquals: {
            "aws:SourceAccount": stack.account,
            "aws:SourceArn": this.group.scheduleGroupArn,
          },
        },
      }),
    });
    const statements = [
      new iam.PolicyStatement({
        sid: "InvokeTarget",
        actions: ["lambda:InvokeFunction"],
        resources: [props.target.functionArn],
      }),
      new iam.PolicyStatement({
        sid: "SendToDeadLetterQueue",
        actions: ["sqs:SendMessage"],
        resources: [props.deadLetterQueue.queueArn],
      }),
      new iam.PolicyStatement({
        sid: "EncryptForDeadLetterQueue",
        actions: ["kms:GenerateDataKey"],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { "kms:ViaService": `sqs.${stack.region}.amazonaws.com` } },
      }),
      // Scheduler decrypts the schedule with this role itself, not through another service, so this
      // cannot be narrowed by kms:ViaService; SQS needs it too, to reuse the queue's data keys. The
      // role is only ever assumed by Scheduler, for this group.
      new iam.PolicyStatement({
        sid: "DecryptScheduleAndDeadLetters",
        actions: ["kms:Decrypt"],
        resources: [props.encryptionKey.keyArn],
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);

    this.schedule = new scheduler.CfnSchedule(this, "Schedule", {
      name: props.scheduleName,
      groupName: this.group.scheduleGroupName,
      description: props.description,
      scheduleExpression: props.expression,
      flexibleTimeWindow: { mode: "OFF" },
      state: "ENABLED",
      kmsKeyArn: props.encryptionKey.keyArn,
      target: {
        arn: props.target.functionArn,
        roleArn: this.role.roleArn,
        retryPolicy: {
          maximumRetryAttempts: props.retryAttempts ?? 2,
          maximumEventAgeInSeconds: (props.maxEventAge ?? Duration.minutes(2)).toSeconds({ integral: true }),
        },
        deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
      },
    });
    // The first occurrence must find the role allowed to invoke (and to park what it cannot).
    const policy = this.role.node.tryFindChild("DefaultPolicy") as iam.Policy;
    this.schedule.node.addDependency(policy);
  }
}
