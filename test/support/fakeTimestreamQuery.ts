import { randomUUID } from "node:crypto";
import { type LocalReply, type LocalServer, startLocalServer } from "./localHttpServer.ts";

const TARGET_PREFIX = "Timestream_20181101.";
const ERROR_NAMESPACE = "com.amazonaws.timestream.v20181101";

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
  const operations: string[] = [];
  const faults: TimestreamQueryFault[] = [];
  let rows: readonly FakeRow[] = [];
  let pageSize = 1000;

  const server = await startLocalServer(({ headers, body }): LocalReply => {
    const target = String(headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    operations.push(operation);
    const request = JSON.parse(body.toString("utf8") || "{}") as { QueryString?: string; NextToken?: string };
    if (operation === "DescribeEndpoints") {
      return reply(200, { Endpoints: [{ Address: "127.0.0.1", CachePeriodInMinutes: 1440 }] });
    }
    if (operation !== "Query") {
      return fault(400, "UnknownOperationException", `unsupported target ${target}`);
    }
    queries.push({
      queryString: request.QueryString ?? "",
      ...(request.NextToken === undefined ? {} : { nextToken: request.NextToken }),
    });
    const scripted = faults.shift();
    if (scripted) {
      const { status, type, message } = TIMESTREAM_QUERY_FAULTS[scripted];
      return fault(status, type, message);
    }
    const start = request.NextToken === undefined ? 0 : Number(request.NextToken.replace(/^page-/, ""));
    const page = rows.slice(start, start + pageSize);
    const next = start + pageSize < rows.length ? `page-${start + pageSize}` : undefined;
    return reply(200, {
      QueryId: randomUUID(),
      Rows: page.map((row) => ({
        Data: row.map((value) => (value === null ? { NullValue: true } : { ScalarValue: value })),
      })),
      ColumnInfo: [],
      ...(next === undefined ? {} : { NextToken: next }),
    });
  });

  return {
    ...server,
    queries,
    operations,
    answer: (answerRows, options = {}) => {
      rows = answerRows;
      pageSize = options.pageSize ?? 1000;
    },
    fail: (scripted, times = 1) => {
      for (let index = 0; index < times; index++) faults.push(scripted);
    },
  };
}

function reply(status: number, body: unknown, errorType?: string): LocalReply {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": randomUUID(),
      ...(errorType === undefined ? {} : { "x-amzn-errortype": errorType }),
    },
    body: JSON.stringify(body),
  };
}

function fault(status: number, type: string, message: string): LocalReply {
  return reply(status, { __type: `${ERROR_NAMESPACE}#${type}`, Message: message }, type);
}
