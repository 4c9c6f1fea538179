import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { DynamoDbOperatorDirectory } from "../../shared/adapters/aws/dynamoDbOperatorDirectory.ts";
import { readConsoleSignInEnvironment } from "../../shared/config/operatorEnvironment.ts";
import { systemClock } from "../../shared/ports/clock.ts";
import { logger } from "../commons/powertools.ts";
import { powertoolsLog } from "../commons/powertoolsPorts.ts";
import { createRecordSignIn } from "./recordSignIn.ts";

const env = readConsoleSignInEnvironment();

/** Cognito post-authentication trigger → the operator directory (DynamoDB). */
export const handler = middy(
  createRecordSignIn({
    directory: new DynamoDbOperatorDirectory({ tableName: env.OPERATORS_TABLE, clock: systemClock }),
    log: powertoolsLog,
  }),
).use(injectLambdaContext(logger));
