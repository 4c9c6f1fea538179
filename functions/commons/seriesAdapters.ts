import { TimestreamQueryClient } from "@aws-sdk/client-timestream-query";
import { secretValue } from "../../shared/adapters/aws/secretValue.ts";
import { TimestreamSeriesFacts } from "../../shared/adapters/aws/timestreamSeriesFacts.ts";
import { TimestreamSeriesQuery } from "../../shared/adapters/aws/timestreamSeriesQuery.ts";
import { TimestreamSeriesStore } from "../../shared/adapters/aws/timestreamSeriesStore.ts";
import type { InfluxConnection } from "../../shared/adapters/influx/influxConnection.ts";
import { InfluxSeriesFacts } from "../../shared/adapters/influx/influxSeriesFacts.ts";
import { InfluxSeriesQuery } from "../../shared/adapters/influx/influxSeriesQuery.ts";
import { InfluxSeriesStore } from "../../shared/adapters/influx/influxSeriesStore.ts";
import type { SeriesTarget } from "../../shared/config/seriesEnvironment.ts";
import type { SeriesFacts } from "../../shared/ports/seriesFacts.ts";
import type { SeriesQuery } from "../../shared/ports/seriesQuery.ts";
import type { SeriesStore } from "../../shared/ports/seriesStore.ts";

type InfluxTarget = Extract<SeriesTarget, { store: "influxdb" }>;

/** The token secret is `{"token": "..."}`, as the token custom resource writes it (influxToken). */
const TOKEN_FIELD = "token";

/** The InfluxDB endpoint and bucket, with the token read from its secret once per cold start. */
function influxConnection(target: InfluxTarget): InfluxConnection {
  const token = secretValue({ secretId: target.tokenSecretArn, jsonField: TOKEN_FIELD });
  return { url: target.url, database: target.bucket, token, tokenRejected: token.forget };
}

/** The series store the stack configured for this function (ingest). */
export function seriesStoreFor(target: SeriesTarget): SeriesStore {
  return target.store === "influxdb"
    ? new InfluxSeriesStore({ connection: influxConnection(target) })
    : new TimestreamSeriesStore({ databaseName: target.databaseName, tableName: target.tableName });
}

/** What the api reads from the configured store: telemetry (C7) and the KPI aggregates (C9). */
export interface SeriesReaders {
  readonly query: SeriesQuery;
  readonly facts: SeriesFacts;
}

/**
 * The api's readers over one connection: one token read (and one re-read after a rejection) for
 * InfluxDB, one query client (one endpoint discovery) for Timestream, per cold start.
 */
export function seriesReadersFor(target: SeriesTarget): SeriesReaders {
  if (target.store === "influxdb") {
    const connection = influxConnection(target);
    return { query: new InfluxSeriesQuery({ connection }), facts: new InfluxSeriesFacts({ connection }) };
  }
  const where = { databaseName: target.databaseName, tableName: target.tableName };
  const client = new TimestreamQueryClient({});
  return {
    query: new TimestreamSeriesQuery({ ...where, client }),
    facts: new TimestreamSeriesFacts({ ...where, client }),
  };
}
