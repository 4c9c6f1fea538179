import { createHash, generateKeyPairSync, randomUUID, webcrypto, X509Certificate } from "node:crypto";
import { x509 } from "../../provisioning/x509.ts";
import { type FakeCall, type FakeRequest, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { restJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
export const FAKE_ATS_ENDPOINT = `a1b2c3d4e5f6g7-ats.iot.${REGION}.amazonaws.com`;

/** Faults the fake answers with, as IoT Core sends them (status and error type). */
export const IOT_FAULTS = {
  throttling: { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
  throttling429: { status: 429, type: "ThrottlingException", message: "Rate exceeded" },
  internal: { status: 500, type: "InternalFailureException", message: "Internal failure" },
  unavailable: { status: 503, type: "ServiceUnavailableException", message: "Service unavailable" },
  invalidRequest: { status: 400, type: "InvalidRequestException", message: "Refused by the fake" },
  deleteConflict: {
    status: 409,
    type: "DeleteConflictException",
    message: "The certificate is still attached",
  },
} as const;
export type IotFault = keyof typeof IOT_FAULTS;

/** One request as the fake saw it: raw text too, so tests can search it for secrets. */
export interface RecordedIotRequest {
  readonly operation: string;
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly status: number;
  readonly errorType?: string;
  /** The thing the request is about, when its path names one. */
  readonly thingName?: string;
}

export interface FakeThing {
  readonly thingTypeName?: string;
  readonly attributes: Record<string, string>;
  readonly version: number;
  readonly principals: string[];
}

export interface FakeCertificate {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
  status: "ACTIVE" | "INACTIVE";
  /** How it was made: from a CSR, or with keys IoT generated. */
  readonly origin: "csr" | "keys";
}

export interface FakeIotState {
  readonly things: Readonly<Record<string, FakeThing>>;
  readonly certificates: Readonly<Record<string, Omit<FakeCertificate, "certificatePem">>>;
  /** Policy name → targets (certificate ARNs) it is attached to. */
  readonly policyTargets: Readonly<Record<string, readonly string[]>>;
}

export interface FakeIot extends LocalServer {
  readonly requests: readonly RecordedIotRequest[];
  /** The operations received, in order (optionally only those about `thingName`). */
  operations(thingName?: string): string[];
  /** A copy of everything the fake holds, for `toEqual` before/after comparisons. */
  state(): FakeIotState;
  /** The test CA's certificate (PEM), which signs every certificate the fake issues. */
  readonly caCertificatePem: string;
  /**
   * Answers the next `times` matching `operation` requests (default 1; `Infinity`: always) with
   * `fault`, before doing anything.
   */
  fail(
    operation: string,
    fault: IotFault,
    options?: { readonly times?: number; readonly where?: (request: RecordedIotRequest) => boolean },
  ): void;
  /** Removes all scripted faults. */
  clearFaults(): void;
  /** Makes a thing directly (as if someone else had), e.g. to test conflicts. */
  addThing(thingName: string, thing: Partial<FakeThing>): void;
}

export interface FakeIotOptions {
  /** IoT policies that exist (AttachPolicy to another fails with ResourceNotFoundException). */
  readonly policies?: readonly string[];
  /** Thing types that exist. */
  readonly thingTypes?: readonly string[];
}

const notFound = (what: string) =>
  new FakeServiceError(404, "ResourceNotFoundException", `${what} does not exist`);
const invalid = (message: string) => new FakeServiceError(400, "InvalidRequestException", message);

/**
 * A local AWS IoT control plane (REST-JSON) for the real `@aws-sdk/client-iot`, with the operations
 * provisioning uses. It keeps things, certificates, thing principals and policy attachments with
 * IoT's rules (3 attributes without a thing type; a certificate deleted only when INACTIVE and
 * detached; a thing deleted only without principals), issues real certificates from CSRs with a test
 * CA, records every request and can be scripted to fail.
 */
export async function startFakeIot(options: FakeIotOptions = {}): Promise<FakeIot> {
  const policies = new Set(options.policies ?? ["plantwatch-test-DevicePolicy"]);
  const thingTypes = new Set(options.thingTypes ?? ["plantwatch-device"]);
  const things = new Map<string, FakeThing>();
  const certificates = new Map<string, FakeCertificate>();
  const policyTargets = new Map<string, Set<string>>();
  /** Certificates attached with EXCLUSIVE_THING. */
  const exclusive = new Set<string>();
  const ca = await createCa();

  const thing = (name: string) => {
    const found = things.get(name);
    if (found === undefined) throw notFound(`Thing ${name}`);
    return found;
  };
  const certificateByArn = (arn: string) => {
    const found = [...certificates.values()].find((certificate) => certificate.certificateArn === arn);
    if (found === undefined) throw notFound(`Principal ${arn}`);
    return found;
  };
  const policiesOf = (target: string) =>
    [...policyTargets.entries()].filter(([, targets]) => targets.has(target)).map(([name]) => name);
  const thingsOf = (principal: string) =>
    [...things.entries()].filter(([, value]) => value.principals.includes(principal)).map(([name]) => name);
  const issue = async (publicKey: x509.PublicKey, subject: string, origin: FakeCertificate["origin"]) => {
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomUUID().replaceAll("-", ""),
      subject,
      issuer: ca.certificate.subject,
      publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: SIGNING,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });
    const certificatePem = certificate.toString("pem");
    const certificateId = createHash("sha256").update(new X509Certificate(certificatePem).raw).digest("hex");
    const issued: FakeCertificate = {
      certificateId,
      certificateArn: `arn:aws:iot:${REGION}:${ACCOUNT}:cert/${certificateId}`,
      certificatePem,
      status: "ACTIVE",
      origin,
    };
    certificates.set(certificateId, issued);
    return issued;
  };

  type Handler = (input: {
    params: readonly string[];
    query: URLSearchParams;
    body: Record<string, unknown>;
    headers: Readonly<Record<string, string>>;
  }) => unknown;
  const operations: Record<string, Handler> = {
    DescribeEndpoint: () => ({ endpointAddress: FAKE_ATS_ENDPOINT }),
    GetPolicy: ({ params: [name = ""] }) => {
      if (!policies.has(name)) throw notFound(`Policy ${name}`);
      return {
        policyName: name,
        policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${name}`,
        policyDocument: "{}",
      };
    },
    DescribeThing: ({ params: [name = ""] }) => {
      const found = thing(name);
      return {
        thingName: name,
        thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`,
        thingId: createHash("sha1").update(name).digest("hex"),
        thingTypeName: found.thingTypeName,
        attributes: found.attributes,
        version: found.version,
      };
    },
    CreateThing: ({ params: [name = ""], body }) => {
      const thingTypeName = body.thingTypeName as string | undefined;
      const attributes = {
        ...((body.attributePayload as { attributes?: Record<string, string> })?.attributes ?? {}),
      };
      checkThing(thingTypeName, attributes, thingTypes);
      const existing = things.get(name);
      if (existing !== undefined) {
        // IoT answers an identical CreateThing with success, a different one with a conflict.
        if (JSON.stringify(existing.attributes) !== JSON.stringify(attributes)) {
          throw new FakeServiceError(409, "ResourceAlreadyExistsException", `Thing ${name} already exists`);
        }
      } else {
        things.set(name, { thingTypeName, attributes, version: 1, principals: [] });
      }
      return { thingName: name, thingArn: `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`, thingId: name };
    },
    UpdateThing: ({ params: [name = ""], body }) => {
      const found = thing(name);
      const payload = (body.attributePayload ?? {}) as {
        attributes?: Record<string, string>;
        merge?: boolean;
      };
      const attributes = payload.merge ? { ...found.attributes } : {};
      for (const [key, value] of Object.entries(payload.attributes ?? {})) {
        if (value === "") delete attributes[key];
        else attributes[key] = value;
      }
      const thingTypeName = body.removeThingType
        ? undefined
        : ((body.thingTypeName as string | undefined) ?? found.thingTypeName);
      checkThing(thingTypeName, attributes, thingTypes);
      things.set(name, { ...found, thingTypeName, attributes, version: found.version + 1 });
      return {};
    },
    DeleteThing: ({ params: [name = ""] }) => {
      const found = things.get(name);
      if (found !== undefined && found.principals.length > 0) {
        throw invalid(`Cannot delete thing ${name}: it has attached principals`);
      }
      things.delete(name);
      return {};
    },
    CreateCertificateFromCsr: async ({ body, query }) => {
      let csr: x509.Pkcs10CertificateRequest;
      try {
        csr = new x509.Pkcs10CertificateRequest(String(body.certificateSigningRequest));
      } catch {
        throw invalid("The certificate signing request is not valid PEM");
      }
      if (!(await csr.verify())) throw invalid("The CSR signature does not verify");
      const issued = await issue(csr.publicKey, csr.subject, "csr");
      if (query.get("setAsActive") !== "true") issued.status = "INACTIVE";
      return pick(issued);
    },
    CreateKeysAndCertificate: async ({ query }) => {
      // Like IoT: an RSA 2048 key pair, returned with the certificate.
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const spki = pair.publicKey.export({ type: "spki", format: "der" });
      const publicKey = new x509.PublicKey(new Uint8Array(spki));
      const issued = await issue(publicKey, "CN=AWS IoT Certificate", "keys");
      if (query.get("setAsActive") !== "true") issued.status = "INACTIVE";
      return {
        ...pick(issued),
        keyPair: {
          PublicKey: pair.publicKey.export({ type: "spki", format: "pem" }),
          PrivateKey: pair.privateKey.export({ type: "pkcs1", format: "pem" }),
        },
      };
    },
    DescribeCertificate: ({ params: [id = ""] }) => {
      const found = certificates.get(id);
      if (found === undefined) throw notFound(`Certificate ${id}`);
      return { certificateDescription: { ...pick(found), status: found.status } };
    },
    UpdateCertificate: ({ params: [id = ""], query }) => {
      const found = certificates.get(id);
      if (found === undefined) throw notFound(`Certificate ${id}`);
      const status = query.get("newStatus");
      if (status !== "ACTIVE" && status !== "INACTIVE") throw invalid(`unsupported newStatus ${status}`);
      found.status = status;
      return {};
    },
    DeleteCertificate: ({ params: [id = ""] }) => {
      const found = certificates.get(id);
      if (found === undefined) throw notFound(`Certificate ${id}`);
      if (found.status === "ACTIVE") {
        throw new FakeServiceError(
          406,
          "CertificateStateException",
          "Certificate must be deactivated before deletion",
        );
      }
      if (policiesOf(found.certificateArn).length > 0 || thingsOf(found.certificateArn).length > 0) {
        throw new FakeServiceError(
          409,
          "DeleteConflictException",
          "Certificate policies and things must be detached",
        );
      }
      certificates.delete(id);
      return {};
    },
    AttachPolicy: ({ params: [name = ""], body }) => {
      if (!policies.has(name)) throw notFound(`Policy ${name}`);
      const target = String(body.target);
      certificateByArn(target);
      policyTargets.set(name, (policyTargets.get(name) ?? new Set()).add(target));
      return {};
    },
    DetachPolicy: ({ params: [name = ""], body }) => {
      if (!policies.has(name)) throw notFound(`Policy ${name}`);
      policyTargets.get(name)?.delete(String(body.target));
      return {};
    },
    ListAttachedPolicies: ({ params: [target = ""] }) => {
      certificateByArn(target);
      return {
        policies: policiesOf(target).map((policyName) => ({
          policyName,
          policyArn: `arn:aws:iot:${REGION}:${ACCOUNT}:policy/${policyName}`,
        })),
      };
    },
    ListThingPrincipals: ({ params: [name = ""], query }) =>
      page(thing(name).principals, query, "principals"),
    AttachThingPrincipal: ({ params: [name = ""], headers, query }) => {
      const found = thing(name);
      const principal = headers["x-amzn-principal"] ?? "";
      certificateByArn(principal);
      // IoT's rules for exclusive attachments: one thing only, on either side of the call.
      const others = thingsOf(principal).filter((other) => other !== name);
      if (
        others.length > 0 &&
        (query.get("thingPrincipalType") === "EXCLUSIVE_THING" || exclusive.has(principal))
      ) {
        throw invalid(`Principal ${principal} is already attached to thing ${others[0]}`);
      }
      if (query.get("thingPrincipalType") === "EXCLUSIVE_THING") exclusive.add(principal);
      if (!found.principals.includes(principal)) found.principals.push(principal);
      return {};
    },
    DetachThingPrincipal: ({ params: [name = ""], headers }) => {
      const found = thing(name);
      const principal = headers["x-amzn-principal"] ?? "";
      const index = found.principals.indexOf(principal);
      if (index >= 0) found.principals.splice(index, 1);
      return {};
    },
    ListPrincipalThings: ({ headers, query }) => {
      const principal = headers["x-amzn-principal"] ?? "";
      certificateByArn(principal);
      return page(thingsOf(principal), query, "things");
    },
  };

  const endpoint = await startFakeEndpoint<RecordedIotRequest>({
    services: [
      {
        protocol: restJson({ routes: IOT_ROUTES }),
        operations: Object.fromEntries(
          Object.entries(operations).map(([name, handler]) => [
            name,
            (call: FakeCall) => handler({ ...call, body: call.body as Record<string, unknown> }),
          ]),
        ),
      },
    ],
    record: ({ request, call, status, error }) => recordOf(request, call, status, error?.type),
  });

  return {
    ...endpoint,
    caCertificatePem: ca.certificate.toString("pem"),
    operations: (thingName) =>
      endpoint.requests
        .filter((request) => thingName === undefined || request.thingName === thingName)
        .map((request) => request.operation),
    state: () =>
      structuredClone({
        things: Object.fromEntries(things),
        certificates: Object.fromEntries(
          [...certificates.entries()].map(([id, { certificatePem: _, ...rest }]) => [id, rest]),
        ),
        policyTargets: Object.fromEntries(
          [...policyTargets.entries()]
            .filter(([, targets]) => targets.size > 0)
            .map(([name, targets]) => [name, [...targets]]),
        ),
      }),
    fail: (operation, fault, { times = 1, where = () => true } = {}) => {
      const { status, type, message } = IOT_FAULTS[fault];
      endpoint.script(operation, new FakeServiceError(status, type, message), {
        times,
        where: (call) => where(recordOf(call, call, 0)),
      });
    },
    clearFaults: () => endpoint.clearScript(),
    addThing: (thingName, value) => {
      things.set(thingName, { attributes: {}, version: 1, principals: [], ...value });
    },
  };
}

/** The operations provisioning uses, as IoT's API model routes them. */
const IOT_ROUTES = {
  DescribeEndpoint: "GET /endpoint",
  GetPolicy: "GET /policies/{policyName}",
  DescribeThing: "GET /things/{thingName}",
  CreateThing: "POST /things/{thingName}",
  UpdateThing: "PATCH /things/{thingName}",
  DeleteThing: "DELETE /things/{thingName}",
  CreateCertificateFromCsr: "POST /certificates",
  CreateKeysAndCertificate: "POST /keys-and-certificate",
  DescribeCertificate: "GET /certificates/{certificateId}",
  UpdateCertificate: "PUT /certificates/{certificateId}",
  DeleteCertificate: "DELETE /certificates/{certificateId}",
  AttachPolicy: "PUT /target-policies/{policyName}",
  DetachPolicy: "POST /target-policies/{policyName}",
  ListAttachedPolicies: "POST /attached-policies/{target}",
  ListThingPrincipals: "GET /things/{thingName}/principals",
  AttachThingPrincipal: "PUT /things/{thingName}/principals",
  DetachThingPrincipal: "DELETE /things/{thingName}/principals",
  ListPrincipalThings: "GET /principals/things",
};

/** The log entry: the raw text too, so tests can search it for secrets. */
function recordOf(
  request: FakeRequest,
  call: FakeCall | undefined,
  status: number,
  errorType?: string,
): RecordedIotRequest {
  return {
    operation: call?.operation ?? "Unknown",
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.text,
    ...(request.path.startsWith("/things/") ? { thingName: call?.params[0] } : {}),
    status,
    ...(errorType ? { errorType } : {}),
  };
}

const SIGNING = { name: "ECDSA", hash: "SHA-256" };

async function createCa() {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=plantwatch fake IoT CA",
    keys,
    signingAlgorithm: SIGNING,
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return { keys, certificate };
}

function checkThing(
  thingTypeName: string | undefined,
  attributes: Record<string, string>,
  thingTypes: Set<string>,
) {
  if (thingTypeName !== undefined && !thingTypes.has(thingTypeName))
    throw notFound(`Thing type ${thingTypeName}`);
  const limit = thingTypeName === undefined ? 3 : 50;
  if (Object.keys(attributes).length > limit) {
    throw invalid(
      `A thing ${thingTypeName === undefined ? "without a thing type" : "of a thing type"} can have at most ${limit} attributes`,
    );
  }
}

function pick({ certificateArn, certificateId, certificatePem }: FakeCertificate) {
  return { certificateArn, certificateId, certificatePem };
}

/** A page of `items` per `maxResults` and `nextToken` (an offset), as IoT's list operations. */
function page(items: readonly string[], query: URLSearchParams, key: string) {
  const start = Number(query.get("nextToken") ?? "0");
  const size = Number(query.get("maxResults") ?? "25");
  const end = start + size;
  return { [key]: items.slice(start, end), ...(end < items.length ? { nextToken: String(end) } : {}) };
}
