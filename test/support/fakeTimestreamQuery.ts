import { randomUUID } from "node:crypto";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { describeEndpoints, timestreamProtocol } from "./fakeTimestream.ts";
import type { LocalServer } from "./localHttpServer.ts";

export const TIMESTREAM_QUERY_FAULTS = {
  throttling: { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
  internal: { status: 500, type: "InternalServerException", message: "Internal server error" },
  validation: { status: 400, type: "ValidationException", message: "line 1:1: mismatched input" },
  unknownColumn: {
    status: 400,
    type: "ValidationException",
    message: "line 1:22: Column 'humidity' does not exist",
  },
} as const;
export type TimestreamQueryFault = keyof typeof TIMESTREAM_QUERY_FAULTS;

/** One row as Timestream returns it: scalar strings, in the query's column order. */
export type FakeRow = readonly (string | null)[];

export interface RecordedQuery {
  readonly queryString: string;
  readonly nextToken?: string;
}

export interface FakeTimestreamQuery extends LocalServer {
  /** Every Query request received (not DescribeEndpoints), in order. */
  readonly queries: readonly RecordedQuery[];
  /** Operations received, e.g. `DescribeEndpoints`, `Query`. */
  readonly operations: readonly string[];
  /** The rows every following query answers, cut into pages of `pageSize` chained by NextToken. */
  answer(rows: readonly FakeRow[], options?: { readonly pageSize?: number }): void;
  /** Answers the next `times` (default 1) Query requests with `fault`. */
  fail(fault: TimestreamQueryFault, times?: number): void;
}

/**
 * A local Timestream Query endpoint (awsJson1_0) for the real SDK client: it answers endpoint
 * discovery with its own address, records every query text, and serves scripted rows page by page.
 */
export async function startFakeTimestreamQuery(): Promise<FakeTimestreamQuery> {
  const queries: RecordedQuery[] = [];
  let rows: readonly FakeRow[] = [];
  let pageSize = 1000;

  const query = ({ body }: FakeCall) => {
    const request = body as { NextToken?: string };
    const start = request.NextToken === undefined ? 0 : Number(request.NextToken.replace(/^page-/, ""));
    const page = rows.slice(start, start + pageSize);
    const next = start + pageSize < rows.length ? `page-${start + pageSize}` : undefined;
    return {
      QueryId: randomUUID(),
      Rows: page.map((row) => ({
        Data: row.map((value) => (value === null ? { NullValue: true } : { ScalarValue: value })),
      })),
      ColumnInfo: [],
      ...(next === undefined ? {} : { NextToken: next }),
    };
  };

  const endpoint = await startFakeEndpoint<string>({
    services: [
      { protocol: timestreamProtocol(), operations: { DescribeEndpoints: describeEndpoints, Query: query } },
    ],
    record: ({ call }) => {
      if (call?.operation === "Query") {
        // Recorded whatever the answer, scripted faults included, so a test sees every retry.
        const request = call.body as { QueryString?: string; NextToken?: string };
        queries.push({
          queryString: request.QueryString ?? "",
          ...(request.NextToken === undefined ? {} : { nextToken: request.NextToken }),
        });
      }
      return call?.operation ?? "";
    },
  });

  return {
    ...endpoint,
    queries,
    operations: endpoint.requests,
    answer: (answerRows, options = {}) => {
      rows = answerRows;
      pageSize = options.pageSize ?? 1000;
    },
    fail: (scripted, times = 1) => {
      const { status, type, message } = TIMESTREAM_QUERY_FAULTS[scripted];
      endpoint.script("Query", new FakeServiceError(status, type, message), { times });
    },
  };
}
