/**
 * Where the InfluxDB series store is and how to authenticate: the one HTTP surface that InfluxDB
 * 1.8+, 2.x and 3.x all accept (`/write`, `/query` with `db=<bucket>`, header `Authorization`).
 */
export interface InfluxConnection {
  /** Base URL, e.g. `https://<id>.timestream-influxdb.<region>.on.aws:8086` (no trailing slash). */
  readonly url: string;
  /** The bucket, addressed as the v1 database `db=<bucket>` (its default retention policy). */
  readonly database: string;
  /** The API token, fetched at most once per cold start by the caller's provider; never logged. */
  readonly token: () => Promise<string>;
  /**
   * Told when InfluxDB refuses the token (401/403), so a cached token is read again on the next
   * call: the token resource replaces and revokes tokens, and warm containers must not keep failing.
   */
  readonly tokenRejected?: () => void;
  /** `Token` for InfluxDB 2, `Bearer` for InfluxDB 3. @default "Token" */
  readonly authScheme?: "Token" | "Bearer";
  /** For tests: a fetch that reaches a fake or a local server. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}
