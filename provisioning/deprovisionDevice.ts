import { join } from "node:path";
import type { DeviceRecordStore } from "../shared/ports/deviceRecords.ts";
import { certificateIdOfArn, type IotControlPlane } from "../shared/ports/iotControlPlane.ts";
import { shortId } from "./credentials.ts";
import { readCredentials, removeDeviceFiles } from "./deviceFolder.ts";
import { errorText } from "./domain/undoStack.ts";

export interface DeprovisionContext {
  readonly iot: IotControlPlane;
  readonly registry: DeviceRecordStore;
  /** Also delete the device's files under `<dir>/<thingName>/` (and use its certificate, see below). */
  readonly removeFilesFrom?: string;
}

export type DeprovisionStatus = "deleted" | "already gone" | "failed";

export interface DeprovisionResult {
  readonly thingName: string;
  readonly status: DeprovisionStatus;
  /** What this run removed, in order. */
  readonly removed: readonly string[];
  readonly failure?: { readonly step: string; readonly reason: string };
}

/**
 * Removes a device: for each certificate on the thing, its policies, the attachment, then the
 * certificate itself (deactivated, deleted); then the thing, the registry item and, if asked, its
 * files. Whatever is already gone is skipped, so a run that stopped halfway can simply be repeated.
 * A certificate still attached to another thing is only detached from this one.
 */
export async function deprovisionDevice(
  thingName: string,
  context: DeprovisionContext,
): Promise<DeprovisionResult> {
  const { iot, registry } = context;
  const removed: string[] = [];
  let step = "DescribeThing";
  const at = <T>(name: string, run: () => Promise<T>): Promise<T> => {
    step = name;
    return run();
  };
  const folder = context.removeFilesFrom === undefined ? undefined : join(context.removeFilesFrom, thingName);

  /** Policies off, detached from `thingName` (if given), deactivated, deleted: IoT's required order. */
  const deleteCertificate = async (principal: string, certificateId: string, fromThing?: string) => {
    for (const policyName of await at("ListAttachedPolicies", () => iot.listAttachedPolicies(principal))) {
      await at("DetachPolicy", () => iot.detachPolicy(policyName, principal));
    }
    if (fromThing !== undefined) {
      await at("DetachThingPrincipal", () => iot.detachThingPrincipal(fromThing, principal));
    }
    await at("UpdateCertificate", () => iot.deactivateCertificate(certificateId));
    await at("DeleteCertificate", () => iot.deleteCertificate(certificateId));
    removed.push(`certificate ${shortId(certificateId)} deleted`);
  };

  try {
    const handled = new Set<string>();
    if ((await at("DescribeThing", () => iot.describeThing(thingName))) !== undefined) {
      for (const principal of await at("ListThingPrincipals", () => iot.listThingPrincipals(thingName))) {
        const certificateId = certificateIdOfArn(principal);
        const others =
          certificateId === undefined
            ? []
            : (await at("ListPrincipalThings", () => iot.listPrincipalThings(principal))).filter(
                (other) => other !== thingName,
              );
        if (certificateId !== undefined && others.length === 0) {
          handled.add(certificateId);
          await deleteCertificate(principal, certificateId, thingName);
          continue;
        }
        await at("DetachThingPrincipal", () => iot.detachThingPrincipal(thingName, principal));
        removed.push(
          certificateId === undefined
            ? `principal ${principal} detached`
            : `certificate ${shortId(certificateId)} detached (kept: attached to ${others.join(", ")})`,
        );
      }
      await at("DeleteThing", () => iot.deleteThing(thingName));
      removed.push("thing deleted");
    }

    if (folder !== undefined) {
      // The folder's certificate, if an earlier run stopped after detaching it from the thing.
      const credentials = await at("read the output folder", () => readCredentials(folder));
      if (credentials.kind === "complete" && !handled.has(credentials.certificateId)) {
        const { certificateId } = credentials;
        const known = await at("DescribeCertificate", () => iot.describeCertificate(certificateId));
        const things =
          known === undefined
            ? []
            : await at("ListPrincipalThings", () => iot.listPrincipalThings(known.certificateArn));
        if (known !== undefined && things.length === 0)
          await deleteCertificate(known.certificateArn, certificateId);
      }
    }

    if (await at("registry DeleteItem", () => registry.delete(thingName)))
      removed.push("registry item deleted");

    if (folder !== undefined) {
      const files = await at("remove the output files", () => removeDeviceFiles(folder));
      if (files.length > 0) removed.push(`${files.length} file(s) removed from ${folder}`);
    }
  } catch (error) {
    return { thingName, status: "failed", removed, failure: { step, reason: errorText(error) } };
  }
  return { thingName, status: removed.length > 0 ? "deleted" : "already gone", removed };
}
