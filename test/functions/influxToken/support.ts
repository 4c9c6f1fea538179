import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from "aws-lambda";
import type { TokenResourcePropertiesInput } from "../../../functions/influxToken/resourceProperties.ts";
import type { TokenLog } from "../../../functions/influxToken/tokenLifecycle.ts";

export const ADMIN = { username: "plantwatch-admin", password: "Adm1nPassw0rdOnlyHere" } as const;
export const ORGANIZATION = "plantwatch";
export const BUCKET = "telemetry";
export const NINETY_DAYS = 90 * 86_400;

/** The admin secret as Timestream for InfluxDB writes it. */
export function adminSecretJson(password: string = ADMIN.password): string {
  return JSON.stringify({ username: ADMIN.username, password, organization: ORGANIZATION, bucket: BUCKET });
}

export interface RecordedLog extends TokenLog {
  readonly lines: { level: "info" | "warn"; message: string; attributes: Record<string, unknown> }[];
}

export function recordingLog(): RecordedLog {
  const lines: RecordedLog["lines"] = [];
  return {
    lines,
    info: (message, attributes) => lines.push({ level: "info", message, attributes }),
    warn: (message, attributes) => lines.push({ level: "warn", message, attributes }),
  };
}

const common = {
  ServiceToken: "arn:aws:lambda:eu-west-1:123456789012:function:provider-framework-onEvent",
  ResponseURL: "https://cloudformation-custom-resource-response.example/",
  StackId: "arn:aws:cloudformation:eu-west-1:123456789012:stack/plantwatch-dev/1",
  RequestId: "c0ffee00-0000-4000-8000-000000000001",
  LogicalResourceId: "InfluxToken",
  ResourceType: "Custom::InfluxToken",
};

type Props = TokenResourcePropertiesInput & { ServiceToken: string };

export function withServiceToken(props: TokenResourcePropertiesInput): Props {
  return { ServiceToken: common.ServiceToken, ...props };
}

export const createEvent = (
  props: TokenResourcePropertiesInput,
): CloudFormationCustomResourceCreateEvent => ({
  ...common,
  RequestType: "Create",
  ResourceProperties: withServiceToken(props),
});

export const updateEvent = (
  previous: TokenResourcePropertiesInput,
  props: TokenResourcePropertiesInput,
  physicalResourceId: string,
): CloudFormationCustomResourceUpdateEvent => ({
  ...common,
  RequestType: "Update",
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: withServiceToken(props),
  OldResourceProperties: withServiceToken(previous),
});

export const deleteEvent = (
  props: TokenResourcePropertiesInput,
  physicalResourceId: string,
): CloudFormationCustomResourceDeleteEvent => ({
  ...common,
  RequestType: "Delete",
  PhysicalResourceId: physicalResourceId,
  ResourceProperties: withServiceToken(props),
});
