import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";

/**
 * An SQS on-failure destination, of asynchronous invocations and of stream event source mappings,
 * that, unlike `SqsDestination` and `SqsDlq`, grants nothing by itself: those call
 * `queue.grantSendMessages`, which for a KMS-encrypted queue adds `kms:ReEncrypt*` and
 * `kms:GenerateDataKey*` (wildcard actions) and queue-reading actions the function does not need.
 * The caller grants `sqs:SendMessage` and the key actions explicitly.
 */
export class QueueFailureDestination implements lambda.IDestination, lambda.IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: unknown, _fn: unknown, _options?: unknown): { destination: string } {
    return { destination: this.queue.queueArn };
  }
}
