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
} as const satisfies Record<string, Price | TieredPrice>;

export type PriceName = keyof typeof PRICES;

/** What is left out because it is negligible at this scale, said in the output rather than guessed. */
export const NEGLIGIBLE = [
  "S3 quarantine writes (only invalid messages: none in the generated workload)",
  "SQS dead-letter queues (only failures)",
  "CloudWatch Logs and EMF metrics (depend on log level; not modelled)",
  "Timestream queries (TCU-hours; depend on dashboards, not on ingest)",
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
