/**
 * The one price table `plantwatch cost` uses: AWS list prices for US East (N. Virginia), as read on
 * the date below, each with the page it was read from. Where no page we could read states the number,
 * the value is our best documented figure and `verified` is false; the command's output says so.
 * Update the whole table at once (and the date) rather than one price at a time.
 */

export const PRICE_REGION = "us-east-1";
export const PRICES_READ_ON = "2026-11-25";

export interface Price {
  readonly usd: number;
  /** What one `usd` buys, in words, e.g. "per million messages (5 KB metering)". */
  readonly unit: string;
  readonly source: string;
  /** False: no page we could read states this number for us-east-1; see `note`. */
  readonly verified: boolean;
  readonly note?: string;
}

/** A price that falls with volume: up to `upTo` units a month (in the price's unit) at `usd`. */
export interface PriceTier {
  readonly upTo: number;
  readonly usd: number;
}

export interface TieredPrice extends Omit<Price, "usd"> {
  readonly tiers: readonly PriceTier[];
}

const IOT_PRICING = "https://aws.amazon.com/iot-core/pricing/";
const IOT_METERING = "https://aws.amazon.com/iot-core/pricing/additional-details/";
const LAMBDA_PRICING = "https://aws.amazon.com/lambda/pricing/";
const KINESIS_PRICING = "https://aws.amazon.com/kinesis/data-streams/pricing/";
const TIMESTREAM_PRICING = "https://aws.amazon.com/timestream/pricing/";
const DYNAMODB_PRICING = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const EVENTBRIDGE_PRICING = "https://aws.amazon.com/eventbridge/pricing/";
const SNS_PRICING = "https://aws.amazon.com/sns/pricing/";
const INFLUX_PRICING = "https://aws.amazon.com/timestream/pricing/ (Timestream for InfluxDB)";
const PRIVATELINK_PRICING = "https://aws.amazon.com/privatelink/pricing/";
const SECRETS_PRICING = "https://aws.amazon.com/secrets-manager/pricing/";
const S3_PRICING = "https://aws.amazon.com/s3/pricing/";
const COGNITO_PRICING = "https://aws.amazon.com/cognito/pricing/";
const API_GATEWAY_PRICING = "https://aws.amazon.com/api-gateway/pricing/";
const CLOUDFRONT_PRICING = "https://aws.amazon.com/cloudfront/pricing/";

export const PRICES = {
  iotConnectivity: {
    usd: 0.08,
    unit: "per million connection-minutes",
    source: `${IOT_PRICING} (rate quoted in the page's worked examples); also https://aws.amazon.com/greengrass/pricing/`,
    verified: true,
  },
  iotMessaging: {
    tiers: [
      // In millions of messages: the first billion, the next four.
      { upTo: 1_000, usd: 1.0 },
      { upTo: 5_000, usd: 0.8 },
      { upTo: Number.POSITIVE_INFINITY, usd: 0.7 },
    ],
    unit: "per million messages, metered in 5 KB increments (payload + topic)",
    source: `${IOT_PRICING}; metering: ${IOT_METERING}`,
    verified: false,
    note: "$1.00 for the first billion is quoted by AWS; the $0.80 / $0.70 tiers above 1 and 5 billion are from memory of the page, which renders its tables dynamically",
  },
  iotRulesTriggered: {
    usd: 0.15,
    unit: "per million rules triggered, 5 KB increments",
    source: IOT_PRICING,
    verified: false,
    note: "the page renders this price dynamically; $0.15 is the long-standing list price (issue #7 puts the rules engine at about $0.30 per million for one rule and one action)",
  },
  iotActionsExecuted: {
    usd: 0.15,
    unit: "per million actions executed, 5 KB increments",
    source: IOT_PRICING,
    verified: false,
    note: "as for rules triggered",
  },
  lambdaRequests: {
    usd: 0.2,
    unit: "per million requests",
    source: `${LAMBDA_PRICING} (as transcribed 2026-09-20 in api-evangelist/aws-lambda plans)`,
    verified: true,
  },
  lambdaArmGbSecond: {
    tiers: [
      { upTo: 7.5e9, usd: 0.0000133334 },
      { upTo: 18.75e9, usd: 0.0000120001 },
      { upTo: Number.POSITIVE_INFINITY, usd: 0.0000106667 },
    ],
    unit: "per GB-second, arm64",
    source: `${LAMBDA_PRICING}; tiers as listed by https://cloudchipr.com/blog/aws-lambda-pricing`,
    verified: true,
    note: "the third tier is not on the page we read; it only matters above 18.75 billion GB-s a month",
  },
  kinesisOnDemandStreamHour: {
    usd: 0.04,
    unit: "per stream-hour (on-demand)",
    source: KINESIS_PRICING,
    verified: false,
    note: "the page describes the per-stream-hour charge but renders the number dynamically",
  },
  kinesisOnDemandGbIn: {
    usd: 0.08,
    unit: "per GB ingested (on-demand; each record rounded up to 1 KB)",
    source: KINESIS_PRICING,
    verified: false,
    note: "rounding to 1 KB per record is stated on the page; the number is rendered dynamically",
  },
  kinesisOnDemandGbOut: {
    usd: 0.04,
    unit: "per GB retrieved, per consumer (on-demand)",
    source: KINESIS_PRICING,
    verified: false,
    note: "as for data in",
  },
  kinesisShardHour: {
    usd: 0.015,
    unit: "per shard-hour (provisioned)",
    source: `${KINESIS_PRICING}; also https://c3x.dev/resources/aws/aws_kinesis_stream`,
    verified: true,
  },
  kinesisPutPayloadUnits: {
    usd: 0.014,
    unit: "per million PUT payload units (25 KB each, provisioned)",
    source: KINESIS_PRICING,
    verified: false,
    note: "the 25 KB unit is stated on the page; the number is rendered dynamically",
  },
  s3PutRequests: {
    usd: 0.005,
    unit: "per 1,000 PUT requests (S3 Standard)",
    source: S3_PRICING,
    verified: false,
    note: "the pricing page renders its request table dynamically; $0.005 per 1,000 PUT, COPY, POST or LIST is the long-standing us-east-1 list price",
  },
  s3GetRequests: {
    usd: 0.0004,
    unit: "per 1,000 GET and HEAD requests (S3 Standard)",
    source: S3_PRICING,
    verified: false,
    note: "as for PUT requests: $0.0004 per 1,000 GET, SELECT and all other requests is the long-standing us-east-1 list price",
  },
  timestreamWrites: {
    usd: 0.5,
    unit: "per million writes of 1 KB (per request, rounded up to 1 KB)",
    source: `${TIMESTREAM_PRICING}; metering: https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.writes.html`,
    verified: true,
    note: "the number is from the page's 2020 archive (web.archive.org/web/20200728133125), the last copy we could read with figures",
  },
  timestreamMemoryGbHour: {
    usd: 0.036,
    unit: "per GB-hour in the memory store",
    source: `${TIMESTREAM_PRICING} (2020 archive)`,
    verified: true,
    note: "as for writes",
  },
  timestreamMagneticGbMonth: {
    usd: 0.03,
    unit: "per GB-month in the magnetic store",
    source: `${TIMESTREAM_PRICING} (2020 archive); sizes: https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.storage.html`,
    verified: true,
    note: "as for writes",
  },
  dynamoDbWriteUnits: {
    usd: 0.625,
    unit: "per million write request units (1 KB each, on-demand)",
    source: `${DYNAMODB_PRICING}; https://airbyte.com/data-engineering-resources/dynamodb-pricing`,
    verified: true,
    note: "halved from $1.25 in November 2024: older calculators still show the old price",
  },
  dynamoDbReadUnits: {
    usd: 0.125,
    unit: "per million read request units (4 KB strongly consistent, on-demand)",
    source: `${DYNAMODB_PRICING}; https://airbyte.com/data-engineering-resources/dynamodb-pricing`,
    verified: true,
    note: "halved from $0.25 in November 2024",
  },
  dynamoDbStorageGbMonth: {
    usd: 0.25,
    unit: "per GB-month (first 25 GB free)",
    source: "https://aws.amazon.com/dynamodb/pricing/",
    verified: true,
  },
  eventBridgeCustomEvents: {
    usd: 1.0,
    unit: "per million custom events (64 KB chunks)",
    source: `${EVENTBRIDGE_PRICING}; https://cloudburn.io/blog/amazon-eventbridge-pricing (March 2026)`,
    verified: true,
  },
  snsPublishes: {
    usd: 0.5,
    unit: "per million publishes (standard topics, 64 KB chunks)",
    source: `${SNS_PRICING}; https://www.factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols/ (June 2026)`,
    verified: true,
  },
  snsEmail: {
    usd: 20,
    unit: "per million email deliveries ($2.00 per 100,000)",
    source: `${SNS_PRICING}; factualminds (June 2026)`,
    verified: true,
    note: "SMS is priced per message and varies by destination country (from under a cent to over $0.50): not modelled",
  },
  influxMediumInstanceHour: {
    usd: 0.13,
    unit: "per db.influx.medium instance-hour, Single-AZ (1 vCPU; larger classes priced per vCPU, see INFLUX_CLASS_VCPUS)",
    source: `${INFLUX_PRICING}; minimum "~$95/month (db.influx.medium, on-demand)": github aws/agent-toolkit-for-aws skills/core-skills/aws-database/assets/timestream.md; linear scaling ("2xlarge costs twice xlarge, 16xlarge sixteen times"): https://docs.aws.amazon.com/prescriptive-guidance/latest/timestream-for-influxdb-well-architected-framework/cost-optimization.html`,
    verified: false,
    note: "the pricing page renders its InfluxDB table dynamically; $0.13/h is AWS's ~$95/month minimum over 730 h, and the other classes are that rate times their vCPUs (AWS: instance cost scales linearly)",
  },
  influxStorageT1GbMonth: {
    usd: 0.2,
    unit: "per GiB-month allocated, InfluxIOIncludedT1 (3,000 IOPS included)",
    source: INFLUX_PRICING,
    verified: false,
    note: "no page we could read states it; ~$0.20 is the research estimate (/work/shared/reviews/influxdb-research.md §8)",
  },
  influxStorageT2GbMonth: {
    usd: 0.5,
    unit: "per GiB-month allocated, InfluxIOIncludedT2 (12,000 IOPS included, at least 400 GiB)",
    source: INFLUX_PRICING,
    verified: false,
    note: "no page we could read states it; assumed dearer than T1 for its fourfold IOPS",
  },
  influxStorageT3GbMonth: {
    usd: 0.7,
    unit: "per GiB-month allocated, InfluxIOIncludedT3 (16,000 IOPS included, at least 400 GiB)",
    source: INFLUX_PRICING,
    verified: false,
    note: "no page we could read states it; assumed dearer than T2",
  },
  vpcInterfaceEndpointHour: {
    usd: 0.01,
    unit: "per interface endpoint per Availability Zone-hour",
    source: `${PRIVATELINK_PRICING} (billing per endpoint per AZ-hour); rate: https://awsnegotiations.com/privatelink-cost-analysis.html (May 2026)`,
    verified: true,
  },
  vpcEndpointGbProcessed: {
    usd: 0.01,
    unit: "per GB processed by interface endpoints (first PB a month in a region)",
    source: PRIVATELINK_PRICING,
    verified: true,
  },
  secretsManagerSecretMonth: {
    usd: 0.4,
    unit: "per secret-month",
    source: `${SECRETS_PRICING}; https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms`,
    verified: true,
  },
  secretsManagerApiCalls: {
    usd: 0.05,
    unit: "per 10,000 API calls",
    source: `${SECRETS_PRICING}; hivebook (as above)`,
    verified: true,
  },
  cognitoPlusMau: {
    usd: 0.02,
    unit: "per monthly active user, Plus feature plan (no free tier on Plus)",
    source: `${COGNITO_PRICING}; https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html`,
    verified: false,
    note: "the pricing page renders its tier table dynamically; $0.02 per MAU for Plus is from AWS's November 2024 announcement of the feature plans",
  },
  apiGatewayHttpRequests: {
    tiers: [
      // In millions of requests (512 KB metering).
      { upTo: 300, usd: 1.0 },
      { upTo: 1_000, usd: 0.9 },
      { upTo: Number.POSITIVE_INFINITY, usd: 0.8 },
    ],
    unit: "per million HTTP API requests",
    source: `${API_GATEWAY_PRICING}; tiers: https://amnic.com/blogs/aws-api-gateway-pricing`,
    verified: false,
    note: "the page renders the table dynamically; $1.00 per million for the first 300 million is quoted throughout AWS's examples",
  },
  cloudFrontGbOut: {
    usd: 0.085,
    unit: "per GB to viewers in North America and Europe, first 10 TB, after the always-free 1 TB",
    source: CLOUDFRONT_PRICING,
    verified: true,
  },
  cloudFrontHttpsRequests: {
    usd: 0.01,
    unit: "per 10,000 HTTPS requests (North America, Europe), after the always-free 10 million",
    source: `${CLOUDFRONT_PRICING}; https://wring.co/blog/aws-cloudfront-pricing-guide`,
    verified: true,
  },
  s3StorageGbMonth: {
    usd: 0.023,
    unit: "per GB-month, S3 Standard (first 50 TB)",
    source: S3_PRICING,
    verified: false,
    note: "the long-standing list price; the page renders its table dynamically",
  },
} as const satisfies Record<string, Price | TieredPrice>;

/** CloudFront's always-free allowance each month (every account, not only new ones): ${CLOUDFRONT_PRICING}. */
export const CLOUDFRONT_ALWAYS_FREE = {
  gb: 1_000,
  requests: 10_000_000,
  functionInvocations: 2_000_000,
} as const;

/**
 * vCPUs of each Timestream for InfluxDB class (https://docs.aws.amazon.com/timestream/latest/developerguide/timestream-for-influx-supported-instance-types.html):
 * an instance-hour costs the medium's rate times this (AWS: "instance costs scale linearly").
 */
export const INFLUX_CLASS_VCPUS = {
  "db.influx.medium": 1,
  "db.influx.large": 2,
  "db.influx.xlarge": 4,
  "db.influx.2xlarge": 8,
  "db.influx.4xlarge": 16,
  "db.influx.8xlarge": 32,
  "db.influx.12xlarge": 48,
  "db.influx.16xlarge": 64,
  "db.influx.24xlarge": 96,
} as const;

export type InfluxInstanceClass = keyof typeof INFLUX_CLASS_VCPUS;
export const INFLUX_INSTANCE_CLASSES = Object.keys(INFLUX_CLASS_VCPUS) as InfluxInstanceClass[];
export const INFLUX_STORAGE_TYPES = [
  "InfluxIOIncludedT1",
  "InfluxIOIncludedT2",
  "InfluxIOIncludedT3",
] as const;
export type InfluxStorageType = (typeof INFLUX_STORAGE_TYPES)[number];

/** The Single-AZ price of one instance-hour of `instanceClass`. */
export function influxInstanceHourUsd(instanceClass: InfluxInstanceClass): number {
  return PRICES.influxMediumInstanceHour.usd * INFLUX_CLASS_VCPUS[instanceClass];
}

/** The price of one allocated GiB-month of `storageType`. */
export function influxStorageGbMonthUsd(storageType: InfluxStorageType): number {
  const prices = {
    InfluxIOIncludedT1: PRICES.influxStorageT1GbMonth,
    InfluxIOIncludedT2: PRICES.influxStorageT2GbMonth,
    InfluxIOIncludedT3: PRICES.influxStorageT3GbMonth,
  } as const;
  return prices[storageType].usd;
}

export type PriceName = keyof typeof PRICES;

/** What is left out because it is negligible at this scale, said in the output rather than guessed. */
export const NEGLIGIBLE = [
  "S3 quarantine writes (only invalid messages: none in the generated workload)",
  "SQS dead-letter queues (only failures)",
  "CloudWatch Logs and EMF metrics (depend on log level; not modelled)",
  "Timestream queries (TCU-hours; depend on dashboards, not on ingest)",
  "InfluxDB: cross-AZ data transfer between the in-VPC functions and the instance ($0.01/GB each way; writes are gzip-compressed), automated backups and the InfluxDB UI",
  "KMS requests (data keys are cached by the services)",
] as const;

/** Cost of `units` a month (in the price's own unit, e.g. millions of messages) under a tiered price. */
export function tieredCost(price: Pick<TieredPrice, "tiers">, units: number): number {
  let cost = 0;
  let from = 0;
  for (const tier of price.tiers) {
    cost += Math.max(0, Math.min(units, tier.upTo) - from) * tier.usd;
    if (units <= tier.upTo) break;
    from = tier.upTo;
  }
  return cost;
}
