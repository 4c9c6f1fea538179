import {
  AttachPolicyCommand,
  AttachThingPrincipalCommand,
  CertificateStatus,
  CreateCertificateFromCsrCommand,
  CreateKeysAndCertificateCommand,
  CreateThingCommand,
  DeleteCertificateCommand,
  DeleteThingCommand,
  DescribeCertificateCommand,
  DescribeEndpointCommand,
  DescribeThingCommand,
  DetachPolicyCommand,
  DetachThingPrincipalCommand,
  GetPolicyCommand,
  IoTClient,
  type IoTClientConfig,
  ListAttachedPoliciesCommand,
  ListPrincipalThingsCommand,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
  UpdateThingCommand,
} from "@aws-sdk/client-iot";
import type {
  IotControlPlane,
  IssuedCertificate,
  ThingState,
  ThingUpdate,
} from "../../ports/iotControlPlane.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { DEFAULT_RETRY_POLICY, isThrottling, type RetryPolicy, withRetries } from "./controlPlaneRetry.ts";
import { isTransient } from "./retry.ts";

export type AwsIotControlPlaneOptions = { readonly retry?: RetryPolicy } & ClientOrConfig<
  IoTClient,
  IoTClientConfig
>;

const isNotFound = (error: unknown) => (error as Error).name === "ResourceNotFoundException";

/** A detach takes a few seconds to reach every IoT Core host; until then deletes meet a conflict. */
const detachNotPropagated = (error: unknown) =>
  isTransient(error) ||
  (error as Error).name === "DeleteConflictException" ||
  ((error as Error).name === "InvalidRequestException" && /principal/i.test((error as Error).message));

/** The IoT control plane through the real SDK client, each call retried per `RetryPolicy`. */
export class AwsIotControlPlane implements IotControlPlane {
  readonly #client: IoTClient;
  readonly #retry: RetryPolicy;

  constructor(options: AwsIotControlPlaneOptions) {
    this.#client = options.client ?? new IoTClient({ maxAttempts: 1, ...options.clientConfig });
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  destroy(): void {
    this.#client.destroy();
  }

  async dataEndpoint(): Promise<string> {
    const { endpointAddress } = await this.#call("DescribeEndpoint", (send) =>
      send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" })),
    );
    if (!endpointAddress) throw new Error("DescribeEndpoint returned no iot:Data-ATS endpoint");
    return endpointAddress;
  }

  async policyExists(policyName: string): Promise<boolean> {
    return this.#orUndefined(() =>
      this.#call("GetPolicy", (send) => send(new GetPolicyCommand({ policyName }))).then(() => true),
    ).then((found) => found === true);
  }

  async describeThing(thingName: string): Promise<ThingState | undefined> {
    const thing = await this.#orUndefined(() =>
      this.#call("DescribeThing", (send) => send(new DescribeThingCommand({ thingName }))),
    );
    if (thing === undefined) return undefined;
    return {
      thingName,
      ...(thing.thingTypeName ? { thingTypeName: thing.thingTypeName } : {}),
      attributes: { ...thing.attributes },
    };
  }

  async createThing(thing: ThingState): Promise<void> {
    await this.#call("CreateThing", (send) =>
      send(
        new CreateThingCommand({
          thingName: thing.thingName,
          thingTypeName: thing.thingTypeName,
          attributePayload: { attributes: { ...thing.attributes } },
        }),
      ),
    );
  }

  async updateThing(thingName: string, update: ThingUpdate): Promise<void> {
    await this.#call("UpdateThing", (send) =>
      send(
        new UpdateThingCommand({
          thingName,
          thingTypeName: update.thingTypeName,
          removeThingType: update.removeThingType,
          attributePayload: { attributes: { ...update.attributes }, merge: true },
        }),
      ),
    );
  }

  async deleteThing(thingName: string): Promise<void> {
    await this.#call(
      "DeleteThing",
      (send) => send(new DeleteThingCommand({ thingName })),
      detachNotPropagated,
    );
  }

  async createCertificateFromCsr(csrPem: string): Promise<IssuedCertificate> {
    // Not idempotent: a 5xx may have issued a certificate, so only a throttled call is sent again.
    const issued = await this.#call(
      "CreateCertificateFromCsr",
      (send) =>
        send(new CreateCertificateFromCsrCommand({ certificateSigningRequest: csrPem, setAsActive: true })),
      isThrottling,
    );
    return issuedCertificate(issued);
  }

  async createKeysAndCertificate(): Promise<IssuedCertificate & { privateKeyPem: string }> {
    const issued = await this.#call(
      "CreateKeysAndCertificate",
      (send) => send(new CreateKeysAndCertificateCommand({ setAsActive: true })),
      isThrottling,
    );
    const privateKeyPem = issued.keyPair?.PrivateKey;
    if (!privateKeyPem) throw new Error("CreateKeysAndCertificate returned no private key");
    return { ...issuedCertificate(issued), privateKeyPem };
  }

  async describeCertificate(certificateId: string) {
    const described = await this.#orUndefined(() =>
      this.#call("DescribeCertificate", (send) => send(new DescribeCertificateCommand({ certificateId }))),
    );
    const description = described?.certificateDescription;
    if (description?.certificateArn === undefined) return undefined;
    return { certificateArn: description.certificateArn, status: description.status ?? "UNKNOWN" };
  }

  async deactivateCertificate(certificateId: string): Promise<void> {
    await this.#call("UpdateCertificate", (send) =>
      send(new UpdateCertificateCommand({ certificateId, newStatus: CertificateStatus.INACTIVE })),
    );
  }

  async deleteCertificate(certificateId: string): Promise<void> {
    await this.#call(
      "DeleteCertificate",
      (send) => send(new DeleteCertificateCommand({ certificateId, forceDelete: false })),
      detachNotPropagated,
    );
  }

  async listAttachedPolicies(target: string): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await this.#call("ListAttachedPolicies", (send) =>
        send(new ListAttachedPoliciesCommand({ target, recursive: false, marker, pageSize: 250 })),
      );
      names.push(
        ...(page.policies ?? []).flatMap((policy) => (policy.policyName ? [policy.policyName] : [])),
      );
      marker = page.nextMarker || undefined;
    } while (marker !== undefined);
    return names;
  }

  async attachPolicy(policyName: string, target: string): Promise<void> {
    await this.#call("AttachPolicy", (send) => send(new AttachPolicyCommand({ policyName, target })));
  }

  async detachPolicy(policyName: string, target: string): Promise<void> {
    await this.#call("DetachPolicy", (send) => send(new DetachPolicyCommand({ policyName, target })));
  }

  async listThingPrincipals(thingName: string): Promise<string[]> {
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#call("ListThingPrincipals", (send) =>
        send(new ListThingPrincipalsCommand({ thingName, nextToken, maxResults: 100 })),
      );
      principals.push(...(page.principals ?? []));
      nextToken = page.nextToken || undefined;
    } while (nextToken !== undefined);
    return principals;
  }

  async listPrincipalThings(principal: string): Promise<string[]> {
    const things: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#call("ListPrincipalThings", (send) =>
        send(new ListPrincipalThingsCommand({ principal, nextToken, maxResults: 100 })),
      );
      things.push(...(page.things ?? []));
      nextToken = page.nextToken || undefined;
    } while (nextToken !== undefined);
    return things;
  }

  /**
   * Exclusively: the certificate can then belong to this thing only, so it can never connect as
   * another (the device policy admits a certificate for every thing it is attached to), and IoT
   * refuses to attach a certificate that already belongs to another thing.
   */
  async attachThingPrincipal(thingName: string, principal: string): Promise<void> {
    await this.#call("AttachThingPrincipal", (send) =>
      send(new AttachThingPrincipalCommand({ thingName, principal, thingPrincipalType: "EXCLUSIVE_THING" })),
    );
  }

  async detachThingPrincipal(thingName: string, principal: string): Promise<void> {
    await this.#call("DetachThingPrincipal", (send) =>
      send(new DetachThingPrincipalCommand({ thingName, principal })),
    );
  }

  #call<T>(
    operation: string,
    call: (send: IoTClient["send"]) => Promise<T>,
    retryable: (error: unknown) => boolean = isTransient,
  ): Promise<T> {
    const send = this.#client.send.bind(this.#client) as IoTClient["send"];
    return withRetries(operation, () => call(send), this.#retry, retryable);
  }

  async #orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

function issuedCertificate(issued: {
  certificateId?: string;
  certificateArn?: string;
  certificatePem?: string;
}): IssuedCertificate {
  const { certificateId, certificateArn, certificatePem } = issued;
  if (!certificateId || !certificateArn || !certificatePem) {
    throw new Error("IoT returned an incomplete certificate (no id, ARN or PEM)");
  }
  return { certificateId, certificateArn, certificatePem };
}
