import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * An SQS on-failure destination that, unlike `SqsDestination`, grants nothing by itself:
 * `SqsDestination` calls `queue.grantSendMessages`, which for a KMS-encrypted queue adds
 * `kms:ReEncrypt*` and `kms:GenerateDataKey*` (wildcard actions) and queue-reading actions the
 * function does not need. The caller grants `sqs:SendMessage` and the key actions explicitly.
 */
export class QueueFailureDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(
    _scope: Construct,
    _fn: lambda.IFunction,
    _options?: lambda.DestinationOptions,
  ): lambda.DestinationConfig {
    return { destination: this.queue.queueArn };
  }
}
