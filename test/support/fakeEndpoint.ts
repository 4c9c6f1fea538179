import { type LocalReply, type LocalRequest, type LocalServer, startLocalServer } from "./localHttpServer.ts";

/**
 * An error as the service answers it; a fake's operations throw it, and the kernel sends it in the
 * protocol's error shape (JSON `__type`, Query `<ErrorResponse>`, ...).
 */
export class FakeServiceError extends Error {
  override readonly name = "FakeServiceError";
  constructor(
    readonly status: number,
    /** The error's type or code, e.g. `ThrottlingException`; a `namespace#` prefix is kept as given. */
    readonly type: string,
    message: string,
    /** Fields added to the error body (e.g. `RejectedRecords`) and headers added to the reply. */
    readonly extra: { readonly body?: object; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
  }
}

/** A request as every protocol reads it: the raw request, its path, query and single-valued headers. */
export interface FakeRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** The path without the query, not decoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names; repeated headers joined by `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
}

/** A request a protocol understood: which operation it calls, and its parsed input. */
export interface FakeCall extends FakeRequest {
  /** The service answering it (its `name`, or "" for a single-service endpoint). */
  readonly service: string;
  readonly operation: string;
  /** The input as the protocol parses it: a JSON value, form fields, undefined for no body. */
  readonly body: unknown;
  /** Path parameters of a REST route, decoded, in order. */
  readonly params: readonly string[];
}

/** How one AWS protocol names operations, parses input and writes answers and errors. */
export interface FakeProtocol {
  /**
   * The operation a request calls and its input, or undefined when the request is not in this
   * protocol at all. Throws FakeServiceError for a request in it that cannot be read.
   */
  read(request: FakeRequest): { operation: string; body: unknown; params?: readonly string[] } | undefined;
  /** An operation's result as the service sends it. */
  answer(result: unknown, call: FakeCall): LocalReply;
  refuse(error: FakeServiceError): LocalReply;
}

/** An operation's implementation: its result (given to the protocol), or a `verbatim` reply. */
export type FakeOperation = (call: FakeCall) => unknown;

export interface FakeService {
  /** Names the service in calls and the log when one endpoint serves several. @default "" */
  readonly name?: string;
  readonly protocol: FakeProtocol;
  /** By operation name; a request for any other is refused with UnknownOperationException. */
  readonly operations: Readonly<Record<string, FakeOperation>>;
}

/** How a request went, for the log. */
export interface FakeExchange {
  readonly request: FakeRequest;
  /** Undefined when no service understood the request. */
  readonly call?: FakeCall;
  /** 0 for a request the fake never answered. */
  readonly status: number;
  readonly error?: FakeServiceError;
}

/** The kernel's own log entry, when a fake does not shape its own. */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly service: string;
  readonly operation: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  readonly errorType?: string;
}

export interface FakeEndpointOptions<Logged> {
  /** The services served, tried in order; the first whose protocol reads a request answers it. */
  readonly services: readonly FakeService[];
  /** Shapes each exchange into the fake's log entry; undefined leaves it out of the log. */
  readonly record?: (exchange: FakeExchange) => Logged | undefined;
  /** @default false */
  readonly http2?: boolean;
}

/** A scripted answer: an error to reply with, or `"hang"` never to reply. */
export type ScriptedAnswer = FakeServiceError | "hang";

export interface FakeEndpoint<Logged> extends LocalServer {
  /** Every request in arrival order, as `record` shaped it (a live array). */
  readonly requests: Logged[];
  /**
   * Answers the next `times` (default 1; `Infinity`: always) calls of `operation` (undefined: any)
   * that match `where` with `answer`, before the operation runs.
   */
  script(
    operation: string | undefined,
    answer: ScriptedAnswer,
    options?: { readonly times?: number; readonly where?: (call: FakeCall) => boolean },
  ): void;
  /** Forgets every scripted answer not yet used. */
  clearScript(): void;
}

/** A reply an operation sends exactly as given, bypassing its protocol (e.g. Lambda's empty 202). */
export class VerbatimReply {
  constructor(readonly reply: LocalReply) {}
}
export const verbatim = (reply: LocalReply) => new VerbatimReply(reply);

/**
 * Answers taken in order by the first entry still remaining whose `where` matches: the "next N
 * requests like this get that" script every fake offers, also usable inside an operation.
 */
export class Script<Subject, Answer> {
  private readonly entries: { remaining: number; where: (subject: Subject) => boolean; answer: Answer }[] =
    [];

  add(answer: Answer, { times = 1, where = () => true }: ScriptOptions<Subject> = {}): void {
    this.entries.push({ remaining: times, where, answer });
  }

  take(subject: Subject): Answer | undefined {
    const entry = this.entries.find((candidate) => candidate.remaining > 0 && candidate.where(subject));
    if (entry) entry.remaining--;
    return entry?.answer;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface ScriptOptions<Subject> {
  readonly times?: number;
  readonly where?: (subject: Subject) => boolean;
}

/**
 * One local endpoint for a fake AWS service (or several on one port): it reads each request with
 * the service's protocol, logs it, answers scripted faults, routes it to its operation, and refuses
 * an operation it does not serve, so a call the fake was not written for shows in the test.
 */
export async function startFakeEndpoint<Logged = LoggedRequest>(
  options: FakeEndpointOptions<Logged>,
): Promise<FakeEndpoint<Logged>> {
  const [first] = options.services;
  if (first === undefined) throw new Error("a fake endpoint needs at least one service");
  const record = options.record ?? (defaultRecord as (exchange: FakeExchange) => Logged);
  const requests: Logged[] = [];
  const script = new Script<FakeCall, ScriptedAnswer>();
  const log = (exchange: FakeExchange) => {
    const entry = record(exchange);
    if (entry !== undefined) requests.push(entry);
  };

  const handle = async (incoming: LocalRequest): Promise<LocalReply> => {
    const request = describe(incoming);
    let service = first;
    let call: FakeCall | undefined;
    try {
      for (const candidate of options.services) {
        const read = candidate.protocol.read(request);
        if (read === undefined) continue;
        service = candidate;
        call = { ...request, service: candidate.name ?? "", params: [], ...read };
        break;
      }
      if (call === undefined) {
        throw new FakeServiceError(404, "UnknownOperationException", `${request.method} ${request.url}`);
      }
      const operation = service.operations[call.operation];
      if (operation === undefined) {
        throw new FakeServiceError(
          400,
          "UnknownOperationException",
          `${call.operation || `${request.method} ${request.url}`} is not served by the fake`,
        );
      }
      const scripted = script.take(call);
      if (scripted === "hang") {
        log({ request, call, status: 0 });
        return new Promise<never>(() => {});
      }
      if (scripted !== undefined) throw scripted;
      const result = await operation(call);
      const reply = result instanceof VerbatimReply ? result.reply : service.protocol.answer(result, call);
      log({ request, call, status: reply.status });
      return reply;
    } catch (thrown) {
      const error =
        thrown instanceof FakeServiceError
          ? thrown
          : new FakeServiceError(
              500,
              "InternalFailure",
              `fake endpoint failed: ${(thrown as Error).stack ?? String(thrown)}`,
            );
      log({ request, ...(call ? { call } : {}), status: error.status, error });
      return service.protocol.refuse(error);
    }
  };

  const server = await startLocalServer(handle, { http2: options.http2 ?? false });
  return {
    ...server,
    requests,
    script: (operation, answer, { times = 1, where = () => true } = {}) =>
      script.add(answer, {
        times,
        where: (call) => (operation === undefined || call.operation === operation) && where(call),
      }),
    clearScript: () => script.clear(),
  };
}

function describe({ method, url, headers, body }: LocalRequest): FakeRequest {
  const parsed = new URL(url, "http://fake");
  return {
    method,
    url,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: Object.fromEntries(
      Object.entries(headers)
        .filter(([name, value]) => value !== undefined && !name.startsWith(":"))
        .map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : String(value)]),
    ),
    raw: body,
    text: body.toString("utf8"),
  };
}

function defaultRecord({ request, call, status, error }: FakeExchange): LoggedRequest {
  return {
    method: request.method,
    url: request.url,
    service: call?.service ?? "",
    operation: call?.operation ?? "",
    headers: request.headers,
    body: call?.body,
    status,
    ...(error ? { errorType: error.type } : {}),
  };
}
