import { ArnFormat, Duration, SecretValue, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ALARM_NOTIFICATION_DETAIL_TYPE } from "../../shared/contracts/alarmNotification.ts";
import { ALARM_EVENT_SOURCE } from "../../shared/domain/alarms/alarmEvent.ts";
import type { WebhookConfig } from "../config.ts";

/** `plantwatch dlq replay` re-sends a webhook's dead letters with `replayTo` set to this rule name. */
export function webhookRuleName(stackName: string, webhookName: string): string {
  return `${stackName}-webhook-${webhookName}`;
}

export interface WebhookDestinationProps {
  readonly webhook: WebhookConfig;
  readonly stackName: string;
  readonly eventBus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * One configured webhook (Slack, Teams, PagerDuty or plain JSON): an EventBridge connection holding
 * its credential, an API destination with the configured rate limit, and a rule that sends it the
 * `Alarm Notification` events of its severities, as the payload the notify function formatted for
 * its format. Events replayed from the dead-letter queue carry `replayTo`: a rule takes those only
 * when they name it, so a replay reaches the one webhook that failed, not all of them.
 *
 * The credential never enters the template: it is read from Secrets Manager through a dynamic
 * reference, resolved by CloudFormation at deployment and stored by EventBridge in a secret of its own
 * (so a changed credential needs a redeployment). Delivery is retried for up to 24 hours; what still
 * fails goes to the dead-letter queue. EventBridge sends with a role of the webhook's own, which only
 * this rule, in this account, may have EventBridge assume.
 */
export class WebhookDestination extends Construct {
  readonly connection: events.Connection;
  readonly destination: events.ApiDestination;
  readonly rule: events.Rule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: WebhookDestinationProps) {
    super(scope, id);
    const { webhook } = props;
    const secret = SecretValue.secretsManager(webhook.secretArn, {
      jsonField: webhook.secretField,
    });
    const { endpoint, connection } = connectionOf(webhook, secret);

    this.connection = new events.Connection(this, "Connection", {
      description: `plantwatch webhook ${webhook.name} (${webhook.format})`,
      ...connection,
    });
    this.destination = new events.ApiDestination(this, "Destination", {
      description: `plantwatch webhook ${webhook.name} (${webhook.format})`,
      connection: this.connection,
      endpoint,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: webhook.rateLimitPerSecond,
    });

    const ruleName = webhookRuleName(props.stackName, webhook.name);
    const stack = Stack.of(this);
    // Built from the names: the rule's own ARN attribute would make the rule (whose target names
    // the role) and the role (whose trust names the rule) depend on each other.
    const ruleArn = stack.formatArn({
      service: "events",
      resource: "rule",
      resourceName: `${props.eventBus.eventBusName}/${ruleName}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.role = new iam.Role(this, "EventsRole", {
      description: `EventBridge rule ${ruleName} -> webhook ${webhook.name}`,
      assumedBy: new iam.ServicePrincipal("events.amazonaws.com").withConditions({
        StringEquals: { "aws:SourceAccount": stack.account },
        ArnEquals: { "aws:SourceArn": ruleArn },
      }),
    });
    this.rule = new events.Rule(this, "Rule", {
      ruleName,
      eventBus: props.eventBus,
      description: `plantwatch: alarm notifications (${webhook.severities.join(", ")}) -> webhook ${webhook.name}`,
      eventPattern: webhookEventPattern(ruleName, webhook.severities),
      targets: [
        new targets.ApiDestination(this.destination, {
          event: events.RuleTargetInput.fromEventPath(`$.detail.payloads.${webhook.format}`),
          eventRole: this.role,
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}

/** Alarm notifications of these severities, first sent or replayed to this rule. */
export function webhookEventPattern(ruleName: string, severities: readonly string[]): events.EventPattern {
  return {
    source: [ALARM_EVENT_SOURCE],
    detailType: [ALARM_NOTIFICATION_DETAIL_TYPE],
    detail: {
      severity: [...severities],
      $or: [{ replayTo: [{ exists: false }] }, { replayTo: [ruleName] }],
    },
  };
}

interface ConnectionSettings {
  readonly endpoint: string;
  readonly connection: Omit<events.ConnectionProps, "description" | "connectionName">;
}

/**
 * A connection must have an authorization. Teams (the `sig` query parameter) and PagerDuty (the
 * `routing_key` body field) authenticate the request by a value outside any header, so their
 * connection sends a fixed, non-secret header instead, which the receiver ignores.
 */
const SENDER_HEADER = { name: "X-Plantwatch-Sender", value: "plantwatch" } as const;
const senderHeader = () =>
  events.Authorization.apiKey(SENDER_HEADER.name, SecretValue.unsafePlainText(SENDER_HEADER.value));

function connectionOf(webhook: WebhookConfig, secret: SecretValue): ConnectionSettings {
  switch (webhook.format) {
    case "slack":
      // chat.postMessage takes the bot token as `Authorization: Bearer xoxb-...` and the channel in the body.
      return {
        endpoint: webhook.url,
        connection: {
          authorization: events.Authorization.apiKey("Authorization", secret),
          bodyParameters: { channel: events.HttpParameter.fromString(webhook.channel) },
        },
      };
    case "teams": {
      // The Workflows URL's own query parameters (api-version, sp, sv) go with the connection too, so
      // the endpoint is exactly scheme, host and path.
      const url = new URL(webhook.url);
      const query = Object.fromEntries(
        [...url.searchParams].map(([name, value]) => [name, events.HttpParameter.fromString(value)]),
      );
      return {
        endpoint: `${url.origin}${url.pathname}`,
        connection: {
          authorization: senderHeader(),
          queryStringParameters: { ...query, sig: events.HttpParameter.fromSecret(secret) },
        },
      };
    }
    case "pagerduty":
      return {
        endpoint: webhook.url,
        connection: {
          authorization: senderHeader(),
          bodyParameters: { routing_key: events.HttpParameter.fromSecret(secret) },
        },
      };
    case "json":
      return {
        endpoint: webhook.url,
        connection: { authorization: events.Authorization.apiKey(webhook.header, secret) },
      };
  }
}
