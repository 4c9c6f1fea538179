import { join } from "node:path";
import { DEVICE_CONFIG_FILE } from "../shared/contracts/deviceConfig.ts";
import type { DeviceRecordStore } from "../shared/ports/deviceRecords.ts";
import {
  certificateIdOfArn,
  type IotControlPlane,
  type ThingState,
} from "../shared/ports/iotControlPlane.ts";
import { generateKeyAndCsr, type KeyType, keyMatchesCertificate, shortId } from "./credentials.ts";
import {
  DEVICE_FILES,
  deviceConfigOf,
  FolderWriter,
  PRIVATE_KEY_MODE,
  readCredentials,
} from "./deviceFolder.ts";
import { type DeviceSpec, iotAttributes, registryEntryOf, sameEntry } from "./domain/deviceSpec.ts";
import { thingChange } from "./domain/thingChange.ts";
import { errorText, type RollbackReport, UndoStack } from "./domain/undoStack.ts";

/** What every device of a run shares: the deployment, the output folder, how to make certificates. */
export interface ProvisionContext {
  readonly iot: IotControlPlane;
  readonly registry: DeviceRecordStore;
  readonly policyName: string;
  readonly dataEndpoint: string;
  readonly topicRoot: string;
  readonly telemetryRuleName: string;
  /** Amazon Root CA 1, PEM. */
  readonly caCertificatePem: string;
  /** Device folders are `<outDir>/<thingName>/`. */
  readonly outDir: string;
  /** `csr`: key pair and CSR made here (the default); `aws`: CreateKeysAndCertificate. */
  readonly keySource: "csr" | "aws";
  readonly keyType: KeyType;
  readonly thingTypeName?: string;
}

export type ProvisionStatus = "created" | "updated" | "unchanged" | "failed";

export interface ProvisionResult {
  readonly thingName: string;
  readonly status: ProvisionStatus;
  /** What this run changed, in order (empty when unchanged). */
  readonly changes: readonly string[];
  readonly folder: string;
  readonly certificateId?: string;
  /** The step that failed, why, and what the rollback did. */
  readonly failure?: { readonly step: string; readonly reason: string; readonly rollback: RollbackReport };
}

/** A problem found before anything was changed, reported without an AWS error name. */
class ProvisionProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProvisionProblem";
  }
}

/**
 * Makes one device exist as `spec` says: the thing, a certificate attached to it with the device
 * policy, the registry item and the output folder. Whatever already matches is left alone, so a
 * second run changes nothing. If a step fails, what this run made for the device is undone, newest
 * first, and the result names the step.
 */
export async function provisionDevice(spec: DeviceSpec, context: ProvisionContext): Promise<ProvisionResult> {
  const { iot, registry, policyName } = context;
  const { thingName } = spec;
  const undo = new UndoStack();
  const changes: string[] = [];
  const folder = new FolderWriter(join(context.outDir, thingName), undo);
  let step = "DescribeThing";
  const at = <T>(name: string, run: () => Promise<T>): Promise<T> => {
    step = name;
    return run();
  };
  let certificateId: string | undefined;
  let created = false;
  try {
    // The thing, with its attributes.
    const existing = await at("DescribeThing", () => iot.describeThing(thingName));
    const thingTypeName = context.thingTypeName ?? existing?.thingTypeName;
    const wanted: ThingState = { thingName, thingTypeName, attributes: iotAttributes(spec, thingTypeName) };
    if (existing === undefined) {
      await at("CreateThing", () => iot.createThing(wanted));
      undo.push(`deleted thing ${thingName}`, () => iot.deleteThing(thingName));
      created = true;
      changes.push("thing created");
    } else {
      const change = thingChange(existing, wanted);
      if (change !== undefined) {
        await at("UpdateThing", () => iot.updateThing(thingName, change.update));
        undo.push(`restored the attributes of thing ${thingName}`, () =>
          iot.updateThing(thingName, change.revert),
        );
        changes.push(...change.described);
      }
    }

    // The certificate: the one the folder holds, or a new one if the folder holds none.
    const credentials = await at("read the output folder", () => readCredentials(folder.folder));
    if (credentials.kind === "broken") {
      throw new ProvisionProblem(`${credentials.problem}: remove it, or give another --out`);
    }
    const principals = created
      ? []
      : (await at("ListThingPrincipals", () => iot.listThingPrincipals(thingName))).filter(
          (principal) => certificateIdOfArn(principal) !== undefined,
        );
    step = "match the folder's certificate with the thing";
    let certificateArn: string;
    let attachToThing = true;
    let newCertificate = false;
    if (credentials.kind === "complete") {
      certificateId = credentials.certificateId;
      const attached = principals.find((principal) => certificateIdOfArn(principal) === certificateId);
      if (attached !== undefined) {
        certificateArn = attached;
        attachToThing = false;
      } else {
        const id = certificateId;
        const known = await at("DescribeCertificate", () => iot.describeCertificate(id));
        if (known === undefined || known.status !== "ACTIVE") {
          throw new ProvisionProblem(
            `${folder.folder} holds certificate ${shortId(id)}, which IoT ${known === undefined ? "does not know (deleted?)" : `has as ${known.status}`}: remove the folder, or give another --out`,
          );
        }
        certificateArn = known.certificateArn;
      }
      if (await at("protect the private key", () => folder.protectKey(credentials.privateKeyMode))) {
        changes.push(`${DEVICE_FILES.privateKey} permissions set to 0600`);
      }
    } else {
      if (principals.length > 0) {
        const ids = principals.map((principal) => shortId(certificateIdOfArn(principal) ?? principal));
        throw new ProvisionProblem(
          `thing ${thingName} already has certificate ${ids.join(", ")} attached, but ${folder.folder} holds no key for it: give the --out it was provisioned into, or deprovision it first`,
        );
      }
      const issued = await createCertificate(context, thingName, at);
      certificateId = issued.certificateId;
      certificateArn = issued.certificateArn;
      const id = certificateId;
      undo.push(`deleted certificate ${shortId(id)}`, async () => {
        await iot.deactivateCertificate(id);
        await iot.deleteCertificate(id);
      });
      newCertificate = true;
      changes.push(`certificate ${shortId(id)} created`);
      await at("write the certificate and key", async () => {
        await folder.prepare();
        await folder.create(DEVICE_FILES.privateKey, issued.privateKeyPem, PRIVATE_KEY_MODE);
        await folder.create(DEVICE_FILES.certificate, issued.certificatePem);
      });
    }

    // The device policy on the certificate, and the certificate on the thing.
    const arn = certificateArn;
    const policies = newCertificate
      ? []
      : await at("ListAttachedPolicies", () => iot.listAttachedPolicies(arn));
    if (!policies.includes(policyName)) {
      await at("AttachPolicy", () => iot.attachPolicy(policyName, arn));
      undo.push(`detached policy ${policyName}`, () => iot.detachPolicy(policyName, arn));
      changes.push(`policy ${policyName} attached`);
    }
    if (attachToThing) {
      await at("AttachThingPrincipal", () => iot.attachThingPrincipal(thingName, arn));
      undo.push(`detached the certificate from thing ${thingName}`, () =>
        iot.detachThingPrincipal(thingName, arn),
      );
      if (!newCertificate) changes.push(`certificate ${shortId(certificateId)} attached to the thing`);
    }

    // The registry item (keeping lastSeen).
    const entry = registryEntryOf(spec);
    const stored = await at("registry GetItem", () => registry.getEntry(thingName));
    if (!sameEntry(stored, entry)) {
      const previous = await at("registry UpdateItem", () => registry.put(entry));
      undo.push(previous === undefined ? "deleted the registry item" : "restored the registry item", () =>
        registry.restore(thingName, previous),
      );
      changes.push(previous === undefined ? "registry item written" : "registry item updated");
    }

    // The CA and device.json, last: a folder with device.json is a finished device.
    await at(`write ${DEVICE_CONFIG_FILE}`, async () => {
      await folder.prepare();
      if (await folder.ensure(DEVICE_FILES.caCertificate, context.caCertificatePem)) {
        changes.push(`${DEVICE_FILES.caCertificate} written`);
      }
      const config = `${JSON.stringify(deviceConfigOf(spec, context), null, 2)}\n`;
      if (await folder.ensure(DEVICE_FILES.config, config)) changes.push(`${DEVICE_CONFIG_FILE} written`);
    });
  } catch (error) {
    const rollback = await undo.unwind();
    return {
      thingName,
      status: "failed",
      changes: [],
      folder: folder.folder,
      ...(certificateId === undefined ? {} : { certificateId }),
      failure: {
        step,
        reason: error instanceof ProvisionProblem ? error.message : errorText(error),
        rollback,
      },
    };
  }
  return {
    thingName,
    status: created ? "created" : changes.length > 0 ? "updated" : "unchanged",
    changes,
    folder: folder.folder,
    certificateId,
  };
}

async function createCertificate(
  context: ProvisionContext,
  thingName: string,
  at: <T>(name: string, run: () => Promise<T>) => Promise<T>,
) {
  if (context.keySource === "aws") {
    return at("CreateKeysAndCertificate", () => context.iot.createKeysAndCertificate());
  }
  const { privateKeyPem, csrPem } = await at("generate the key pair and CSR", () =>
    generateKeyAndCsr(thingName, context.keyType),
  );
  const issued = await at("CreateCertificateFromCsr", () => context.iot.createCertificateFromCsr(csrPem));
  if (!keyMatchesCertificate(privateKeyPem, issued.certificatePem)) {
    // Registered for rollback by the caller only once it returns, so undo it here.
    await context.iot.deactivateCertificate(issued.certificateId).catch(() => undefined);
    await context.iot.deleteCertificate(issued.certificateId).catch(() => undefined);
    throw new ProvisionProblem(`certificate ${shortId(issued.certificateId)} is not for the key made here`);
  }
  return { ...issued, privateKeyPem };
}
