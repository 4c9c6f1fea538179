import type { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as timestream from "aws-cdk-lib/aws-timestream";
import { Construct } from "constructs";
import type { InfluxVariables } from "../../shared/config/seriesEnvironment.ts";
import { type ExistingVpc, INFLUX_PORT, InfluxNetwork } from "./InfluxNetwork.ts";
import { InfluxTokenResource } from "./InfluxTokenResource.ts";
import type { PlantwatchFunction } from "./PlantwatchFunction.ts";
import type { FunctionPlacement, SeriesAccess, SeriesStoreBinding } from "./SeriesStoreBinding.ts";

export const INFLUX_ORGANIZATION = "plantwatch";
export const INFLUX_BUCKET = "telemetry";
const INFLUX_ADMIN_USERNAME = "plantwatch";
/** Where Timestream for InfluxDB writes the engine's logs in the log bucket (fixed by the service). */
export const INFLUX_LOG_PREFIX = "InfluxLogs/";

export interface InfluxSeriesStoreProps {
  /** Names the instance (3-40 characters, checked by the configuration). */
  readonly instanceName: string;
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly storageType: string;
  readonly deployment: "single-az" | "multi-az";
  readonly retention: Duration;
  /** @default - a VPC of its own */
  readonly existingVpc?: ExistingVpc | undefined;
  /** Engine logs and VPC flow logs go here (SSE-S3). */
  readonly logBucket: s3.IBucket;
  readonly encryptionKey: kms.IKey;
  readonly metricsNamespace: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Where the api, in the VPC, sends alarm actions (`InfluxNetworkProps.alarmActionsVia`). */
  readonly alarmActionsVia: "eventbridge" | "kinesis";
}

/**
 * The series on Amazon Timestream for InfluxDB (InfluxDB 2): one private instance in its network,
 * the org `plantwatch` and bucket `telemetry`, the admin password generated into a secret, engine
 * logs delivered to the log bucket, and the bucket's read/write token kept in a secret by the token
 * resource. `bindTo` gives a function the endpoint, bucket and token secret, the right to read that
 * secret only, and its place in the VPC.
 */
export class InfluxSeriesStore extends Construct implements SeriesStoreBinding {
  readonly network: InfluxNetwork;
  readonly adminPassword: secretsmanager.Secret;
  readonly instance: timestream.CfnInfluxDBInstance;
  readonly token: InfluxTokenResource;
  readonly url: string;
  readonly bucket = INFLUX_BUCKET;
  readonly placement: FunctionPlacement;
  readonly #encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: InfluxSeriesStoreProps) {
    super(scope, id);
    this.#encryptionKey = props.encryptionKey;
    this.network = new InfluxNetwork(this, "Network", {
      existingVpc: props.existingVpc,
      flowLogBucket: props.logBucket,
      alarmActionsVia: props.alarmActionsVia,
    });
    this.placement = this.network.clientPlacement;

    // Only the instance's creation reads it: the service keeps the credentials in a secret of its
    // own (InfluxAuthParametersSecretArn), which the token resource uses.
    this.adminPassword = new secretsmanager.Secret(this, "AdminPassword", {
      description: "plantwatch: initial InfluxDB admin password (read once, when the instance is created)",
      encryptionKey: props.encryptionKey,
      generateSecretString: { passwordLength: 32, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });

    const logDelivery = props.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "TimestreamInfluxDbLogDelivery",
        principals: [new iam.ServicePrincipal("timestream-influxdb.amazonaws.com")],
        actions: ["s3:PutObject"],
        resources: [props.logBucket.arnForObjects(`${INFLUX_LOG_PREFIX}*`)],
      }),
    );

    this.instance = new timestream.CfnInfluxDBInstance(this, "Instance", {
      name: props.instanceName,
      dbInstanceType: props.instanceClass,
      allocatedStorage: props.storageGiB,
      dbStorageType: props.storageType,
      deploymentType: props.deployment === "multi-az" ? "WITH_MULTIAZ_STANDBY" : "SINGLE_AZ",
      publiclyAccessible: false,
      port: INFLUX_PORT,
      organization: INFLUX_ORGANIZATION,
      bucket: INFLUX_BUCKET,
      username: INFLUX_ADMIN_USERNAME,
      // A dynamic reference: CloudFormation resolves it, the template never holds the value.
      password: this.adminPassword.secretValue.unsafeUnwrap(),
      vpcSubnetIds: [...this.network.subnetIds],
      vpcSecurityGroupIds: [this.network.instanceSecurityGroup.securityGroupId],
      logDeliveryConfiguration: {
        s3Configuration: { bucketName: props.logBucket.bucketName, enabled: true },
      },
    });
    this.instance.applyRemovalPolicy(props.removalPolicy);
    // The service checks the bucket policy when it creates the instance.
    if (logDelivery.policyDependable) this.instance.node.addDependency(logDelivery.policyDependable);

    this.url = `https://${this.instance.attrEndpoint}:${INFLUX_PORT}`;
    this.token = new InfluxTokenResource(this, "Token", {
      url: this.url,
      adminSecretArn: this.instance.attrInfluxAuthParametersSecretArn,
      organization: INFLUX_ORGANIZATION,
      bucket: INFLUX_BUCKET,
      retention: props.retention,
      placement: this.placement,
      encryptionKey: props.encryptionKey,
      metricsNamespace: props.metricsNamespace,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * The endpoint, bucket and token secret; GetSecretValue on that secret and Decrypt with the
   * deployment key through Secrets Manager. The function is created after the token resource, so
   * its first read finds the token and not the placeholder. Read and write need the same token.
   */
  bindTo(fn: PlantwatchFunction, _access: SeriesAccess): void {
    const variables = {
      INFLUX_URL: this.url,
      INFLUX_BUCKET: this.bucket,
      INFLUX_TOKEN_SECRET_ARN: this.token.secret.secretArn,
    } satisfies InfluxVariables;
    for (const [name, value] of Object.entries(variables)) fn.addEnvironment(name, value);
    fn.allow("ReadSeriesToken", ["secretsmanager:GetSecretValue"], [this.token.secret.secretArn]);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "DecryptSeriesTokenThroughSecretsManager",
        actions: ["kms:Decrypt"],
        resources: [this.#encryptionKey.keyArn],
        conditions: {
          StringEquals: { "kms:ViaService": `secretsmanager.${fn.stack.region}.amazonaws.com` },
        },
      }),
    );
    fn.node.addDependency(this.token.resource);
  }
}
