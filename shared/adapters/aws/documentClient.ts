import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * The document client of every DynamoDB adapter: attributes that are `undefined` are left out of an
 * item rather than refused. A function builds one and hands it to all its adapters (one connection
 * pool; each client built is ~1.5 ms of cold start); an adapter given none builds its own.
 */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
