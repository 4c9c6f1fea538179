import { describe, expect, it } from "vitest";
import { readIngestEnvironment, seriesTargetOf } from "../../../shared/config/ingestEnvironment.ts";
import { readApiEnvironment } from "../../../shared/config/operatorEnvironment.ts";

const ingest = {
  REGISTRY_TABLE: "plantwatch-dev-registry",
  QUARANTINE_BUCKET: "plantwatch-dev-quarantine",
  CLOCK_SKEW_MS: "300000",
  MAX_SAMPLE_AGE_MS: "31536000000",
  LAST_SEEN_INTERVAL_MS: "300000",
  REGISTRY_CACHE_TTL_MS: "60000",
};
const api = {
  ALARMS_TABLE: "a",
  HISTORY_TABLE: "h",
  RULES_TABLE: "r",
  REGISTRY_TABLE: "g",
  SILENCES_TABLE: "s",
  PLANT_TIME_ZONE: "Europe/Berlin",
  EVENT_BUS_NAME: "plantwatch",
  HISTORY_RETENTION_MS: "7776000000",
  RULES_REFRESH_MS: "60000",
  REGISTRY_CACHE_TTL_MS: "60000",
};
const liveAnalytics = { TIMESTREAM_DATABASE: "plantwatch_dev", TIMESTREAM_TABLE: "telemetry" };
const influx = {
  INFLUX_URL: "https://abc123-xyz.eu-west-1.timestream-influxdb.amazonaws.com:8086",
  INFLUX_BUCKET: "telemetry",
  INFLUX_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-AbCdEf",
};

describe("the series variables of the ingest and api functions", () => {
  it.each([
    ["ingest", (env: NodeJS.ProcessEnv) => readIngestEnvironment(env), ingest],
    ["api", (env: NodeJS.ProcessEnv) => readApiEnvironment(env), api],
  ] as const)("%s reads the LiveAnalytics table or the InfluxDB bucket", (_, read, own) => {
    expect(seriesTargetOf(read({ ...own, ...liveAnalytics }))).toEqual({
      store: "liveanalytics",
      databaseName: "plantwatch_dev",
      tableName: "telemetry",
    });
    expect(seriesTargetOf(read({ ...own, ...influx }))).toEqual({
      store: "influxdb",
      url: influx.INFLUX_URL,
      bucket: "telemetry",
      tokenSecretArn: influx.INFLUX_TOKEN_SECRET_ARN,
    });
  });

  it("names the missing InfluxDB variable once INFLUX_URL says the store is InfluxDB", () => {
    expect(() => readIngestEnvironment({ ...ingest, ...influx, INFLUX_TOKEN_SECRET_ARN: undefined })).toThrow(
      /ingest function environment is invalid: INFLUX_TOKEN_SECRET_ARN/,
    );
    expect(() => readApiEnvironment({ ...api, ...influx, INFLUX_URL: "https://host:8086/path" })).toThrow(
      /api function environment is invalid: INFLUX_URL: must be http\(s\):\/\/host\[:port\] without a path/,
    );
  });

  it("names the LiveAnalytics variables when neither store is configured", () => {
    expect(() => readApiEnvironment(api)).toThrow(/invalid: TIMESTREAM_DATABASE: .*; TIMESTREAM_TABLE: /);
  });

  it("still names an own variable of the function, whichever store", () => {
    expect(() => readIngestEnvironment({ ...influx, ...ingest, REGISTRY_TABLE: undefined })).toThrow(
      /invalid: REGISTRY_TABLE/,
    );
  });
});
