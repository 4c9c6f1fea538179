import { PublishCommand, SNSClient, type SNSClientConfig } from "@aws-sdk/client-sns";
import type { NotificationChannel } from "../../domain/notifications/channelFor.ts";
import {
  NotificationDeliveryError,
  type SendOptions,
  type SendReport,
  type TopicMessage,
  type TopicNotifier,
} from "../../ports/notifier.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { type BackoffOptions, DEFAULT_BACKOFF, isTransient, requestSignal, waitForRetry } from "./retry.ts";

export type SnsNotifierOptions = {
  /** The topic ARN of each channel. */
  readonly topicArns: Readonly<Record<NotificationChannel, string>>;
  readonly backoff?: BackoffOptions;
} & ClientOrConfig<SNSClient, SNSClientConfig>;

/**
 * The topic notifier on Amazon SNS: one Publish per message, `MessageStructure: "json"` so e-mail
 * and SMS subscribers each get their own text, and the attributes as String message attributes for
 * filter policies. Throttling, 5xx and dropped connections are retried with jittered backoff until
 * the deadline (the SDK's own retries are off, so none outlives the invocation); then, or at once for
 * an error that retrying cannot fix, it throws `NotificationDeliveryError`.
 */
export class SnsNotifier implements TopicNotifier {
  readonly #client: SNSClient;
  readonly #topicArns: Readonly<Record<NotificationChannel, string>>;
  readonly #backoff: BackoffOptions;

  constructor(options: SnsNotifierOptions) {
    this.#client = options.client ?? new SNSClient({ maxAttempts: 1, ...options.clientConfig });
    this.#topicArns = options.topicArns;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async send(message: TopicMessage, options: SendOptions): Promise<SendReport> {
    const command = new PublishCommand({
      TopicArn: this.#topicArns[message.channel],
      Subject: message.subject,
      MessageStructure: "json",
      Message: JSON.stringify(message.texts),
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { DataType: "String", StringValue: value },
        ]),
      ),
    });
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && !(await waitForRetry(attempt - 1, options.deadline, this.#backoff))) {
        throw new NotificationDeliveryError(
          "topic",
          `SNS did not accept the message before the deadline after ${attempt} attempt(s); last: ${describe(lastError)}`,
          { cause: lastError, retryable: true, retries: attempt - 1 },
        );
      }
      const timeout = requestSignal(options.deadline, this.#backoff);
      try {
        await this.#client.send(command, { abortSignal: timeout });
        return { retries: attempt };
      } catch (error) {
        if (!timeout.aborted && !isTransient(error)) {
          throw new NotificationDeliveryError("topic", `SNS refused the message: ${describe(error)}`, {
            cause: error,
            retryable: false,
            retries: attempt,
          });
        }
        // After a timeout the message may have been published: a resend may duplicate it.
        lastError = timeout.aborted ? new Error("no answer from SNS in time") : error;
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
