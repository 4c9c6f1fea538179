import type { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { ApiOwnVariables } from "../../shared/config/operatorEnvironment.ts";
import { ALARM_EVENT_SOURCE } from "../../shared/domain/alarms/alarmEvent.ts";
import { PlantwatchFunction } from "./PlantwatchFunction.ts";
import type { SeriesStoreBinding } from "./SeriesStoreBinding.ts";

export interface ApiFunctionProps {
  readonly registryTable: dynamodb.ITable;
  readonly alarmsTable: dynamodb.ITable;
  readonly historyTable: dynamodb.ITable;
  readonly rulesTable: dynamodb.ITable;
  readonly silencesTable: dynamodb.ITable;
  /** Where telemetry is queried: sets the function's series variables, access and placement. */
  readonly seriesStore: SeriesStoreBinding;
  readonly eventBus: events.IEventBus;
  /** The key encrypting the tables and the log group. */
  readonly encryptionKey: kms.IKey;
  readonly historyRetention: Duration;
  readonly rulesRefresh: Duration;
  readonly registryCacheTtl: Duration;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The operator API function (C7), invoked synchronously by the HTTP API: reads devices, telemetry,
 * alarms, history, rules and silences; acts on alarms through the alarm engine (which writes the
 * state, its history and publishes the C5 event); writes rules and silences. Each permission is an
 * explicit action on its one resource, as the DynamoDB adapters use them.
 */
export class ApiFunction extends Construct {
  readonly function: PlantwatchFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const environment = {
      ALARMS_TABLE: props.alarmsTable.tableName,
      HISTORY_TABLE: props.historyTable.tableName,
      RULES_TABLE: props.rulesTable.tableName,
      REGISTRY_TABLE: props.registryTable.tableName,
      SILENCES_TABLE: props.silencesTable.tableName,
      EVENT_BUS_NAME: props.eventBus.eventBusName,
      HISTORY_RETENTION_MS: String(props.historyRetention.toMilliseconds()),
      RULES_REFRESH_MS: String(props.rulesRefresh.toMilliseconds()),
      REGISTRY_CACHE_TTL_MS: String(props.registryCacheTtl.toMilliseconds()),
    } satisfies ApiOwnVariables;

    this.function = new PlantwatchFunction(this, "Function", {
      entry: "functions/api/handler.ts",
      description: "plantwatch api: the operator HTTP API (C7)",
      serviceName: "api",
      metricsNamespace: props.metricsNamespace,
      environment,
      memorySize: 512,
      logRetention: props.logRetention,
      logEncryptionKey: props.encryptionKey,
      logRemovalPolicy: props.logRemovalPolicy,
      ...(props.seriesStore.placement && { placement: props.seriesStore.placement }),
    });

    const fn = this.function;
    fn.allow("ReadDevices", ["dynamodb:GetItem", "dynamodb:Scan"], [props.registryTable.tableArn]);
    // Listing alarms scans the per-thing documents; an action loads, commits (a conditional put) and
    // clears the outbox of one thing's document (DynamoDbAlarmStore).
    fn.allow(
      "ReadAndActOnAlarms",
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"],
      [props.alarmsTable.tableArn],
    );
    // One alarm's history is one partition; actions append to it in batches of puts.
    fn.allow(
      "ReadAndAppendAlarmHistory",
      ["dynamodb:Query", "dynamodb:BatchWriteItem"],
      [props.historyTable.tableArn],
    );
    // DynamoDbRuleRepository: rules are put and deleted in batches, then the ruleset version item is
    // updated conditionally; reads scan the rules and get the version item.
    fn.allow(
      "ReadAndWriteRules",
      ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"],
      [props.rulesTable.tableArn],
    );
    fn.allow(
      "ReadAndWriteSilences",
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
      [props.silencesTable.tableArn],
    );
    props.seriesStore.bindTo(fn, "read");
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "PublishAlarmEvents",
        actions: ["events:PutEvents"],
        resources: [props.eventBus.eventBusArn],
        conditions: { StringEquals: { "events:source": ALARM_EVENT_SOURCE } },
      }),
    );
    fn.allowKeyUseVia(props.encryptionKey, ["dynamodb"]);
  }
}
