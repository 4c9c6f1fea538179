import { CustomResource, Duration, type RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import type { TokenResourcePropertiesInput } from "../../functions/influxToken/resourceProperties.ts";
import { PlantwatchFunction } from "./PlantwatchFunction.ts";
import type { FunctionPlacement } from "./SeriesStoreBinding.ts";

export interface InfluxTokenResourceProps {
  /** `https://<endpoint>:8086`. */
  readonly url: string;
  /** The instance's admin secret (`InfluxAuthParametersSecretArn`), created by Timestream. */
  readonly adminSecretArn: string;
  readonly organization: string;
  readonly bucket: string;
  /** The bucket's retention, which the resource sets. */
  readonly retention: Duration;
  /** Inside the instance's VPC, with the series clients' security group. */
  readonly placement: FunctionPlacement;
  /** Encrypts the token secret and the log groups. */
  readonly encryptionKey: kms.IKey;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The read/write token of the one bucket. InfluxDB 2 on Timestream creates an admin user but no API
 * token, so a custom resource (functions/influxToken, CDK Provider framework) signs in with the admin
 * secret, creates a token scoped to read and write that bucket, sets the bucket's retention, and
 * writes the token (`{"token": ...}`) into a secret of plantwatch's own, encrypted with the
 * deployment key. Deleting the resource revokes the token; a new bucket, org or URL replaces it.
 */
export class InfluxTokenResource extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly function: PlantwatchFunction;
  readonly provider: cr.Provider;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: InfluxTokenResourceProps) {
    super(scope, id);
    // Created with a random placeholder; the custom resource overwrites it before any function that
    // reads it is created (they depend on the resource).
    this.secret = new secretsmanager.Secret(this, "Secret", {
      description: `plantwatch: InfluxDB token of bucket ${props.bucket} (read and write), written by the token resource`,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });

    this.function = new PlantwatchFunction(this, "Function", {
      entry: "functions/influxToken/handler.ts",
      description: "plantwatch influx-token: creates and revokes the bucket's InfluxDB token",
      serviceName: "influx-token",
      metricsNamespace: props.metricsNamespace,
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      logEncryptionKey: props.encryptionKey,
      logRemovalPolicy: props.removalPolicy,
      placement: props.placement,
    });
    const fn = this.function;
    fn.allow("ReadInfluxAdminCredentials", ["secretsmanager:GetSecretValue"], [props.adminSecretArn]);
    fn.allow("WriteSeriesToken", ["secretsmanager:PutSecretValue"], [this.secret.secretArn]);
    // The admin secret is encrypted with the AWS managed key aws/secretsmanager, whose key policy
    // already admits the account's principals through Secrets Manager: only the deployment key
    // (the token secret) needs a statement.
    fn.allowKeyUseVia(props.encryptionKey, ["secretsmanager"]);

    this.provider = new cr.Provider(this, "Provider", {
      onEventHandler: fn,
      logGroup: new logs.LogGroup(this, "ProviderLogGroup", {
        retention: props.logRetention,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy,
      }),
    });

    const properties = {
      Url: props.url,
      AdminSecretArn: props.adminSecretArn,
      TokenSecretArn: this.secret.secretArn,
      Organization: props.organization,
      Bucket: props.bucket,
      RetentionSeconds: String(props.retention.toSeconds()),
    } satisfies TokenResourcePropertiesInput;
    this.resource = new CustomResource(this, "Resource", {
      serviceToken: this.provider.serviceToken,
      resourceType: "Custom::InfluxToken",
      properties,
    });
  }
}
