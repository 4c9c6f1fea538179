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

/** The series query the stack configured for this function (api). */
export function seriesQueryFor(target: SeriesTarget): SeriesQuery {
  return target.store === "influxdb"
    ? new InfluxSeriesQuery({ connection: influxConnection(target) })
    : new TimestreamSeriesQuery({ databaseName: target.databaseName, tableName: target.tableName });
}

/** The KPI aggregates (C9) of the configured store (api). */
export function seriesFactsFor(target: SeriesTarget): SeriesFacts {
  return target.store === "influxdb"
    ? new InfluxSeriesFacts({ connection: influxConnection(target) })
    : new TimestreamSeriesFacts({ databaseName: target.databaseName, tableName: target.tableName });
}
