import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as events from "aws-cdk-lib/aws-events";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import type { ApiOwnVariables } from "../../shared/config/operatorEnvironment.ts";
import type { MachineModelFile } from "../../shared/contracts/kpis.ts";
import { ALARM_CHANGE_FEED } from "../../shared/contracts/tables.ts";
import { ALARM_EVENT_SOURCE } from "../../shared/domain/alarms/alarmEvent.ts";
import { type AlarmEngineSettings, alarmEngineEnvironment } from "./AlarmFunction.ts";
import {
  type DeploymentFunctionProps,
  deploymentFunctionProps,
  PlantwatchFunction,
} from "./PlantwatchFunction.ts";
import type { SeriesStoreBinding } from "./SeriesStoreBinding.ts";

/** The variables the bind calls of the constructor set, each with its permission. */
type BoundVariables = keyof Pick<
  ApiOwnVariables,
  "ALARMS_TABLE" | "HISTORY_TABLE" | "RULES_TABLE" | "REGISTRY_TABLE" | "SILENCES_TABLE" | "EVENT_BUS_NAME"
>;

export interface ApiFunctionProps extends AlarmEngineSettings, DeploymentFunctionProps {
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
  /** The plant's IANA zone: KPI day and shift edges unless the machine models name one. */
  readonly plantTimeZone: string;
  /** C9 machine models. @default - the built-in model */
  readonly machineModels?: MachineModelFile;
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
    // The table and bus variables are set by the bind calls below, with their permissions.
    const environment = {
      ...alarmEngineEnvironment(props),
      PLANT_TIME_ZONE: props.plantTimeZone,
      ...(props.machineModels === undefined ? {} : { MACHINE_MODELS: JSON.stringify(props.machineModels) }),
    } satisfies Omit<ApiOwnVariables, BoundVariables>;

    this.function = new PlantwatchFunction<BoundVariables>(this, "Function", {
      entry: "functions/api/handler.ts",
      description: "plantwatch api: the operator HTTP API (C7)",
      serviceName: "api",
      environment,
      memorySize: 512,
      ...deploymentFunctionProps(props),
      ...(props.seriesStore.placement && { placement: props.seriesStore.placement }),
    });

    const fn = this.function;
    fn.bindTable("REGISTRY_TABLE", props.registryTable, "ReadDevices", ["dynamodb:GetItem", "dynamodb:Scan"]);
    // Listing alarms scans the per-thing documents; an action loads, commits (a conditional put) and
    // clears the outbox of one thing's document (DynamoDbAlarmStore).
    fn.bindTable("ALARMS_TABLE", props.alarmsTable, "ReadAndActOnAlarms", [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:Scan",
    ]);
    // One alarm's history is one partition; actions append to it in batches of puts.
    fn.bindTable("HISTORY_TABLE", props.historyTable, "ReadAndAppendAlarmHistory", [
      "dynamodb:Query",
      "dynamodb:BatchWriteItem",
    ]);
    // `GET /alarms/changes` reads the history's change feed index, and nothing else of it.
    fn.allow(
      "ReadAlarmChangeFeed",
      ["dynamodb:Query"],
      [`${props.historyTable.tableArn}/index/${ALARM_CHANGE_FEED.indexName}`],
    );
    // DynamoDbRuleRepository: rules are put and deleted in batches, then the ruleset version item is
    // updated conditionally; reads scan the rules and get the version item.
    fn.bindTable("RULES_TABLE", props.rulesTable, "ReadAndWriteRules", [
      "dynamodb:GetItem",
      "dynamodb:Scan",
      "dynamodb:BatchWriteItem",
      "dynamodb:UpdateItem",
    ]);
    fn.bindTable("SILENCES_TABLE", props.silencesTable, "ReadAndWriteSilences", [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:DeleteItem",
      "dynamodb:Scan",
    ]);
    props.seriesStore.bindTo(fn, "read");
    fn.bindEventBus("EVENT_BUS_NAME", props.eventBus, "PublishAlarmEvents", ALARM_EVENT_SOURCE);
    fn.allowKeyUseVia(props.encryptionKey, ["dynamodb"]);
  }
}
