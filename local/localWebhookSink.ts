import {
  type AlarmNotificationDetail,
  WEBHOOK_FORMATS,
  type WebhookFormat,
} from "../shared/contracts/alarmNotification.ts";
import { SEVERITIES, type Severity } from "../shared/domain/alarms/rule.ts";
import { PlantwatchError } from "../shared/errors.ts";
import type { NotificationEventSink, SendReport } from "../shared/ports/notifier.ts";
import type { WebhookSender } from "./webhookSender.ts";

/** One `--webhook FORMAT=URL`: as a webhook of the stack's configuration, without the credential. */
export interface LocalWebhook {
  readonly format: WebhookFormat;
  readonly url: string;
  /** As the stack's `severities`; default all. */
  readonly severities?: readonly Severity[];
}

/** A `--webhook` value that names no known format. */
export class UnknownWebhookFormatError extends PlantwatchError {
  readonly format: string;

  constructor(format: string) {
    super(`unknown webhook format "${format}": expected one of ${WEBHOOK_FORMATS.join(", ")}`);
    this.name = "UnknownWebhookFormatError";
    this.format = format;
  }
}

const FORMAT_PREFIX = /^([A-Za-z][A-Za-z0-9_-]*)=(.*)$/s;

/**
 * `slack=http://...` → Slack; a bare URL (the flag's first form) → json. Throws
 * `UnknownWebhookFormatError` for any other `NAME=` prefix; the URL is the caller's to check.
 */
export function parseLocalWebhook(value: string): LocalWebhook {
  const prefixed = FORMAT_PREFIX.exec(value);
  // A URL's scheme is followed by ':', never by '=', so a bare URL never matches.
  if (prefixed === null) return { format: "json", url: value };
  const [, format = "", url = ""] = prefixed;
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(format)) throw new UnknownWebhookFormatError(format);
  return { format: format as WebhookFormat, url };
}

export interface LocalWebhookSinkOptions {
  readonly webhooks: readonly LocalWebhook[];
  readonly sender: WebhookSender;
  /** A payload not delivered after every attempt. */
  onFailure(failure: {
    readonly webhook: LocalWebhook;
    readonly detail: AlarmNotificationDetail;
    readonly reason: string;
  }): void;
}

/**
 * The local stand-in for the bus's webhook rules: each `Alarm Notification` goes to every webhook
 * whose rule would take it (its severity, never a replay meant for another rule), as the payload
 * of that webhook's format, exactly the body the API destination sends. Like `PutEvents`, `put`
 * returns once the event is accepted; delivery and its retries run apart.
 */
export class LocalWebhookSink implements NotificationEventSink {
  readonly #options: LocalWebhookSinkOptions;

  constructor(options: LocalWebhookSinkOptions) {
    this.#options = options;
  }

  async put(detail: AlarmNotificationDetail): Promise<SendReport> {
    for (const webhook of this.#options.webhooks) {
      if (!ruleTakes(webhook, detail)) continue;
      this.#options.sender.post(webhook.url, detail.payloads[webhook.format], (reason) =>
        this.#options.onFailure({ webhook, detail, reason }),
      );
    }
    return { retries: 0 };
  }
}

/** `webhookEventPattern`: the webhook's severities, and no `replayTo` (the local stack has no dead letters). */
function ruleTakes(webhook: LocalWebhook, detail: AlarmNotificationDetail): boolean {
  return (webhook.severities ?? SEVERITIES).includes(detail.severity) && detail.replayTo === undefined;
}
