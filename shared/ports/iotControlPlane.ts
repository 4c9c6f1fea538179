/**
 * What provisioning needs from AWS IoT's control plane (things, certificates, policies). The use
 * cases (provisionDevice, deprovisionDevice) see only this and `DeviceRecordStore`.
 */

export interface ThingState {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ThingUpdate {
  /** Attributes to set; an empty string removes that attribute (IoT's merge semantics). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly thingTypeName?: string;
  readonly removeThingType?: boolean;
}

export interface IssuedCertificate {
  readonly certificateId: string;
  readonly certificateArn: string;
  readonly certificatePem: string;
}

export interface IotControlPlane {
  /** The account's `iot:Data-ATS` endpoint, for MQTT over TLS. */
  dataEndpoint(): Promise<string>;
  policyExists(policyName: string): Promise<boolean>;
  /** The thing, or undefined if it does not exist. */
  describeThing(thingName: string): Promise<ThingState | undefined>;
  createThing(thing: ThingState): Promise<void>;
  updateThing(thingName: string, update: ThingUpdate): Promise<void>;
  /** Succeeds for a thing that does not exist, as IoT does. */
  deleteThing(thingName: string): Promise<void>;
  /** An ACTIVE certificate for the CSR's key; IoT never sees the private key. */
  createCertificateFromCsr(csrPem: string): Promise<IssuedCertificate>;
  /** An ACTIVE certificate and a key pair made by IoT (the private key crosses the network once). */
  createKeysAndCertificate(): Promise<IssuedCertificate & { readonly privateKeyPem: string }>;
  /** The certificate's ARN and status, or undefined if it does not exist. */
  describeCertificate(
    certificateId: string,
  ): Promise<{ readonly certificateArn: string; readonly status: string } | undefined>;
  deactivateCertificate(certificateId: string): Promise<void>;
  deleteCertificate(certificateId: string): Promise<void>;
  /** Policy names attached to a target (a certificate ARN). */
  listAttachedPolicies(target: string): Promise<string[]>;
  attachPolicy(policyName: string, target: string): Promise<void>;
  detachPolicy(policyName: string, target: string): Promise<void>;
  /** Principal ARNs (certificates, usually) attached to the thing. */
  listThingPrincipals(thingName: string): Promise<string[]>;
  /** Things the principal is attached to. */
  listPrincipalThings(principal: string): Promise<string[]>;
  attachThingPrincipal(thingName: string, principal: string): Promise<void>;
  detachThingPrincipal(thingName: string, principal: string): Promise<void>;
}

/** The certificate id in a certificate ARN (`arn:aws:iot:{region}:{account}:cert/{id}`), or undefined. */
export function certificateIdOfArn(principal: string): string | undefined {
  const marker = ":cert/";
  const at = principal.indexOf(marker);
  return principal.startsWith("arn:") && at >= 0 ? principal.slice(at + marker.length) : undefined;
}
