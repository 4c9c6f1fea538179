import { randomUUID } from "node:crypto";
import type { FakeCall, FakeProtocol, FakeRequest } from "./fakeEndpoint.ts";
import { FakeServiceError } from "./fakeEndpoint.ts";

/** The protocols the AWS SDK v3 clients speak, as the fakes' kernel reads and answers them. */

/** Whether the request carries a SigV4 `Authorization` header. */
export const isSigned = (request: Pick<FakeRequest, "headers">) =>
  (request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 Credential=");

/** Every SDK client signs; an unsigned request means a client built without credentials. */
function checkSigned(request: FakeRequest): void {
  if (!isSigned(request)) {
    throw new FakeServiceError(403, "MissingAuthenticationTokenException", "Request is not SigV4-signed");
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    throw new FakeServiceError(400, "SerializationException", "the request body is not JSON");
  }
}

/** The type without its `namespace#`, as the SDK names the exception. */
const bareType = (type: string) => type.split("#").at(-1) ?? type;

export const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export interface AwsJsonOptions {
  /** The `X-Amz-Target` prefix, e.g. `AWSEvents.`; the rest is the operation. */
  readonly targetPrefix: string;
  readonly version: "1.0" | "1.1";
  /** Put before a bare error type in `__type` as `namespace#Type`. @default none */
  readonly errorNamespace?: string;
  /** The error body's message field. @default "message" */
  readonly messageKey?: "message" | "Message";
  /**
   * Name the error in `x-amzn-errortype` too. Off for services that name errors another way
   * (SQS's `x-amzn-query-error`). @default true
   */
  readonly errorTypeHeader?: boolean;
}

/**
 * AWS JSON 1.0/1.1: `POST /`, `X-Amz-Target: <prefix><Operation>`, a JSON body of that exact content
 * type; errors carry `__type` and a message.
 */
export function awsJson(options: AwsJsonOptions): FakeProtocol {
  const contentType = `application/x-amz-json-${options.version}`;
  const messageKey = options.messageKey ?? "message";
  return {
    read: (request) => {
      const target = request.headers["x-amz-target"] ?? "";
      if (request.method !== "POST" || request.url !== "/" || !target.startsWith(options.targetPrefix)) {
        return undefined;
      }
      if (request.headers["content-type"] !== contentType) {
        throw new FakeServiceError(
          400,
          "UnsupportedMediaTypeException",
          `content-type ${request.headers["content-type"]} is not ${contentType}`,
        );
      }
      checkSigned(request);
      return { operation: target.slice(options.targetPrefix.length), body: parseJson(request.text) };
    },
    answer: (result) => ({
      status: 200,
      headers: { "content-type": contentType, "x-amzn-requestid": randomUUID() },
      body: JSON.stringify(result ?? {}),
    }),
    refuse: (error) => {
      const namespaced =
        options.errorNamespace === undefined || error.type.includes("#")
          ? error.type
          : `${options.errorNamespace}#${error.type}`;
      return {
        status: error.status,
        headers: {
          "content-type": contentType,
          "x-amzn-requestid": randomUUID(),
          ...(options.errorTypeHeader === false ? {} : { "x-amzn-errortype": bareType(error.type) }),
          ...error.extra.headers,
        },
        body: JSON.stringify({ __type: namespaced, [messageKey]: error.message, ...error.extra.body }),
      };
    },
  };
}

export interface AwsQueryOptions {
  /** The API version every request names; a request naming another is not for this service. */
  readonly version: string;
  /** The namespace of answers, e.g. `http://sns.amazonaws.com/doc/2010-03-31/`. */
  readonly xmlNamespace: string;
}

/**
 * AWS Query: a form-encoded `POST /` with `Action` and `Version`; the body is the form's fields. An
 * operation returns the inner XML of `<ActionResult>`; errors are `<ErrorResponse>`, Sender or Receiver.
 */
export function awsQuery(options: AwsQueryOptions): FakeProtocol {
  const xml = (status: number, body: string) => ({
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": randomUUID() },
    body,
  });
  return {
    read: (request) => {
      const isForm = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
      if (request.method !== "POST" || request.url !== "/" || !isForm) return undefined;
      const params = Object.fromEntries(new URLSearchParams(request.text));
      if (params.Version !== options.version) return undefined;
      checkSigned(request);
      return { operation: params.Action ?? "", body: params };
    },
    answer: (result, { operation }: FakeCall) =>
      xml(
        200,
        `<${operation}Response xmlns="${options.xmlNamespace}"><${operation}Result>${String(result ?? "")}</${operation}Result>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
      ),
    refuse: (error) =>
      xml(
        error.status,
        `<ErrorResponse xmlns="${options.xmlNamespace}"><Error><Type>${error.status < 500 ? "Sender" : "Receiver"}</Type>` +
          `<Code>${error.type}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      ),
  };
}

/**
 * Finds the route a request takes. Routes are `METHOD /path/{param}` by operation name; `{param+}`
 * takes the rest of the path. Returns the operation and its decoded parameters.
 */
export function routeMatcher(
  routes: Readonly<Record<string, string>>,
): (request: FakeRequest) => { operation: string; params: string[] } | undefined {
  const compiled = Object.entries(routes).map(([operation, route]) => {
    const [method = "", path = ""] = route.split(" ");
    const pattern = path
      .split(/(\{[^}]+\})/)
      .map((part) =>
        part.startsWith("{")
          ? part.endsWith("+}")
            ? "(.+)"
            : "([^/]+)"
          : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
      )
      .join("");
    return { operation, method, pattern: new RegExp(`^${pattern}$`) };
  });
  return (request) => {
    for (const { operation, method, pattern } of compiled) {
      const match = request.method === method ? pattern.exec(request.path) : null;
      if (match) return { operation, params: match.slice(1).map(decodeURIComponent) };
    }
    return undefined;
  };
}

export interface RestJsonOptions {
  /** `METHOD /path/{param}` by operation name, as in the service's API model. */
  readonly routes: Readonly<Record<string, string>>;
  /** The error body. @default `{ message }` */
  readonly errorBody?: (error: FakeServiceError) => object;
  /** Parses the request body. @default JSON (an empty body is `{}`), else SerializationException */
  readonly readBody?: (text: string) => unknown;
  /** Require a SigV4 signature, as every SDK client sends. @default true */
  readonly signed?: boolean;
  /** @default "application/json" */
  readonly contentType?: string;
}

/** REST JSON: the operation is the method and path (parameters in it), the input a JSON body. */
export function restJson(options: RestJsonOptions): FakeProtocol {
  const route = routeMatcher(options.routes);
  const contentType = options.contentType ?? "application/json";
  const errorBody = options.errorBody ?? ((error: FakeServiceError) => ({ message: error.message }));
  return {
    read: (request) => {
      const found = route(request);
      if (found === undefined) return undefined;
      if (options.signed !== false) checkSigned(request);
      return { ...found, body: (options.readBody ?? parseJson)(request.text) };
    },
    answer: (result) => ({
      status: 200,
      headers: { "content-type": contentType, "x-amzn-requestid": randomUUID() },
      body: JSON.stringify(result ?? {}),
    }),
    refuse: (error) => ({
      status: error.status,
      headers: {
        "content-type": contentType,
        "x-amzn-requestid": randomUUID(),
        "x-amzn-errortype": bareType(error.type),
        ...error.extra.headers,
      },
      body: JSON.stringify({ ...errorBody(error), ...error.extra.body }),
    }),
  };
}
