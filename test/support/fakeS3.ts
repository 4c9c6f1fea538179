import { createHash, randomUUID } from "node:crypto";
import {
  type FakeCall,
  type FakeProtocol,
  FakeServiceError,
  startFakeEndpoint,
  verbatim,
} from "./fakeEndpoint.ts";
import { escapeXml, routeMatcher } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

/** Failures the fake can be told to answer with, as S3 sends them. */
export const S3_FAULTS = {
  slowDown: { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
  internal: {
    status: 500,
    code: "InternalError",
    message: "We encountered an internal error. Please try again.",
  },
  preconditionFailed: {
    status: 412,
    code: "PreconditionFailed",
    message: "At least one of the pre-conditions you specified did not hold",
  },
} as const;
export type S3Fault = keyof typeof S3_FAULTS;

export interface PutObjectRecord {
  readonly bucket: string;
  readonly key: string;
  /** The body as UTF-8 text; `bytes` as sent. */
  readonly body: string;
  readonly bytes?: Buffer;
  readonly contentType: string | undefined;
  /** The HTTP status the fake answered with. */
  readonly status: number;
}

export interface FakeS3 extends LocalServer {
  /** Every PutObject received, in arrival order, answered or failed. */
  readonly puts: readonly PutObjectRecord[];
  /** The objects stored, by `bucket/key`. */
  objects(): ReadonlyMap<string, PutObjectRecord>;
  /** Answers the next `times` (default 1) requests (of `operation`, if given) with `fault`. */
  fail(
    fault: S3Fault,
    options?: { readonly times?: number; readonly operation?: "PutObject" | "GetObject" | "HeadObject" },
  ): void;
}

const route = routeMatcher({
  PutObject: "PUT /{bucket}/{key+}",
  GetObject: "GET /{bucket}/{key+}",
  HeadObject: "HEAD /{bucket}/{key+}",
});

/** S3's REST XML, path-style: the body is the object's bytes as text, errors are `<Error>` documents. */
const s3Protocol: FakeProtocol = {
  read: (request) => {
    const found = route(request);
    return found && { ...found, body: decodeBody(request.raw, request.headers) };
  },
  answer: () => ({ status: 200 }),
  refuse: ({ status, type, message }) => {
    const requestId = randomUUID();
    return {
      status,
      headers: { "content-type": "application/xml", "x-amz-request-id": requestId },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${type}</Code><Message>${escapeXml(message)}</Message>` +
        `<RequestId>${requestId}</RequestId></Error>`,
    };
  },
};

/**
 * A path-style S3 endpoint (`PUT`, `GET`, `HEAD /{bucket}/{key}`) for the real SDK client; give the
 * client `forcePathStyle: true`. It keeps the objects, records every PutObject and honours S3's
 * conditional writes: `If-None-Match: *` (only a new key) and `If-Match: <etag>` (only that version),
 * else 412 PreconditionFailed (404 NoSuchKey for `If-Match` on a missing key).
 */
export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, PutObjectRecord>();

  const putObject = ({ params: [bucket = "", key = ""], body, headers }: FakeCall) => {
    const bytes = body as Buffer;
    const current = objects.get(`${bucket}/${key}`);
    const ifMatch = headers["if-match"];
    if (headers["if-none-match"] === "*" && current !== undefined)
      throw new FakeServiceError(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
      );
    if (ifMatch !== undefined && current === undefined)
      throw new FakeServiceError(404, "NoSuchKey", "The specified key does not exist.");
    if (ifMatch !== undefined && ifMatch !== etagOf(current?.bytes ?? Buffer.from(current?.body ?? "")))
      throw new FakeServiceError(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
      );
    objects.set(`${bucket}/${key}`, {
      bucket,
      key,
      body: bytes.toString("utf8"),
      bytes,
      contentType: headers["content-type"],
      status: 200,
    });
    return verbatim({ status: 200, headers: { etag: etagOf(bytes) } });
  };
  const headObject = ({ params: [bucket = "", key = ""] }: FakeCall) => {
    const object = objects.get(`${bucket}/${key}`);
    // HEAD has no body: a missing key is a bare 404.
    if (object === undefined) return verbatim({ status: 404 });
    return verbatim({ status: 200, headers: { etag: etagOf(object.bytes ?? Buffer.from(object.body)) } });
  };
  const getObject = ({ params: [bucket = "", key = ""] }: FakeCall) => {
    const object = objects.get(`${bucket}/${key}`);
    if (object === undefined)
      throw new FakeServiceError(404, "NoSuchKey", "The specified key does not exist.");
    const bytes = object.bytes ?? Buffer.from(object.body);
    return verbatim({
      status: 200,
      headers: { "content-type": object.contentType ?? "", etag: etagOf(bytes) },
      body: bytes,
    });
  };

  const endpoint = await startFakeEndpoint<PutObjectRecord>({
    services: [
      {
        protocol: s3Protocol,
        operations: { PutObject: putObject, GetObject: getObject, HeadObject: headObject },
      },
    ],
    record: ({ call, status }) => {
      if (call?.operation !== "PutObject") return undefined;
      const [bucket = "", key = ""] = call.params;
      return { bucket, key, body: String(call.body), contentType: call.headers["content-type"], status };
    },
  });

  return {
    ...endpoint,
    puts: endpoint.requests,
    objects: () => objects,
    fail: (fault, { times = 1, operation } = {}) => {
      const { status, code, message } = S3_FAULTS[fault];
      endpoint.script(operation, new FakeServiceError(status, code, message), { times });
    },
  };
}

function etagOf(bytes: Buffer): string {
  return `"${createHash("md5").update(bytes).digest("hex")}"`;
}

/** Undoes `aws-chunked` content encoding (streamed bodies with trailing checksums); others pass as sent. */
function decodeBody(body: Buffer, headers: Readonly<Record<string, string>>): Buffer {
  if (!String(headers["content-encoding"] ?? "").includes("aws-chunked")) return body;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString("latin1").split(";")[0] ?? "", 16);
    if (!(size > 0)) return Buffer.concat(chunks);
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
