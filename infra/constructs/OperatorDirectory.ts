import type { RemovalPolicy } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import type { ConsoleSignInEnvironmentVariables } from "../../shared/config/operatorEnvironment.ts";
import { OPERATOR_DIRECTORY } from "../../shared/contracts/tables.ts";
import { DurableTable } from "./DurableTable.ts";
import {
  type DeploymentFunctionProps,
  deploymentFunctionProps,
  PlantwatchFunction,
} from "./PlantwatchFunction.ts";

export interface OperatorDirectoryProps extends DeploymentFunctionProps {
  /** The console's user pool: each sign-in records its user here. */
  readonly userPool: cognito.UserPool;
  /** Of the table; sign-ins fill it again, so losing it only loses names until then. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Who the console's users are, by user pool `sub`: a table the user pool's post-authentication
 * trigger writes at every sign-in, and the operator API reads to record the person, not the group
 * role's session, as the actor. A table, not a call to Cognito, because the API may run in a VPC
 * without internet access (the InfluxDB store), where DynamoDB's gateway endpoint reaches it.
 */
export class OperatorDirectory extends Construct {
  readonly table: dynamodb.Table;
  readonly trigger: PlantwatchFunction<keyof ConsoleSignInEnvironmentVariables>;

  constructor(scope: Construct, id: string, props: OperatorDirectoryProps) {
    super(scope, id);
    this.table = new DurableTable(this, "Table", {
      ...OPERATOR_DIRECTORY,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    }).table;
    this.trigger = new PlantwatchFunction<keyof ConsoleSignInEnvironmentVariables>(this, "SignInTrigger", {
      entry: "functions/consoleSignIn/handler.ts",
      description: "plantwatch console sign-in: records each console user's sub and e-mail",
      serviceName: "console-sign-in",
      ...deploymentFunctionProps(props),
    });
    this.trigger.bindTable("OPERATORS_TABLE", this.table, "RecordConsoleUsers", ["dynamodb:PutItem"]);
    this.trigger.allowKeyUseVia(props.encryptionKey, ["dynamodb"]);
    props.userPool.addTrigger(cognito.UserPoolOperation.POST_AUTHENTICATION, this.trigger);
  }

  /** Lets the operator API look a console user up, and tells it where. */
  allowLookupBy(fn: PlantwatchFunction): void {
    fn.bindTable("OPERATORS_TABLE", this.table, "ReadConsoleUsers", ["dynamodb:GetItem"]);
  }
}
