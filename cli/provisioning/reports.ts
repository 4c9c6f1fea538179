import { shortId } from "../../provisioning/credentials.ts";
import type { DeprovisionResult } from "../../provisioning/deprovisionDevice.ts";
import type { ProvisionResult } from "../../provisioning/provisionDevice.ts";

/** The exit code when some devices failed and the others were done (0 when none failed). */
export const EXIT_SOME_FAILED = 1;

export interface ProvisionSummary {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
  /** Not started because the run was stopped. */
  readonly notStarted: readonly string[];
  /** Control-plane calls that were throttled (or met a 5xx) and sent again. */
  readonly retries: number;
  readonly devices: readonly ProvisionResult[];
}

export interface DeprovisionSummary {
  readonly deleted: number;
  readonly alreadyGone: number;
  readonly failed: number;
  readonly notStarted: readonly string[];
  readonly retries: number;
  readonly devices: readonly DeprovisionResult[];
}

export function provisionSummary(
  devices: readonly ProvisionResult[],
  notStarted: readonly string[],
  retries: number,
): ProvisionSummary {
  const count = (status: ProvisionResult["status"]) =>
    devices.filter((device) => device.status === status).length;
  return {
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    failed: count("failed"),
    notStarted,
    retries,
    devices,
  };
}

export function deprovisionSummary(
  devices: readonly DeprovisionResult[],
  notStarted: readonly string[],
  retries: number,
): DeprovisionSummary {
  const count = (status: DeprovisionResult["status"]) =>
    devices.filter((device) => device.status === status).length;
  return {
    deleted: count("deleted"),
    alreadyGone: count("already gone"),
    failed: count("failed"),
    notStarted,
    retries,
    devices,
  };
}

/** The one-line progress label of a provisioned or deprovisioned device. */
export function deviceLabel(result: ProvisionResult | DeprovisionResult): string {
  return `${result.thingName}: ${result.status}${result.failure ? ` at ${result.failure.step}` : ""}`;
}

/** One block per device (what changed, or where it failed and what was rolled back), then the counts. */
export function formatProvisionReport(summary: ProvisionSummary): string {
  const lines: string[] = [];
  for (const device of summary.devices) {
    const { thingName, status, failure } = device;
    if (failure !== undefined) {
      lines.push(`${thingName}: failed at ${failure.step}: ${failure.reason}`);
      const { undone, failed } = failure.rollback;
      lines.push(`  rolled back: ${undone.length > 0 ? undone.join("; ") : "nothing had been made yet"}`);
      if (failed.length > 0) {
        lines.push(`  NOT rolled back: ${failed.join("; ")}`);
        const certificate =
          device.certificateId === undefined ? "" : ` (certificate id ${device.certificateId})`;
        lines.push(`  clean up with: plantwatch deprovision ${thingName} --remove-files <out>${certificate}`);
      }
    } else if (status === "created") {
      const certificate =
        device.certificateId === undefined ? "" : `, certificate ${shortId(device.certificateId)}`;
      lines.push(`${thingName}: created${certificate}, files in ${device.folder}`);
    } else if (status === "updated") {
      lines.push(`${thingName}: updated: ${device.changes.join("; ")}`);
    } else {
      lines.push(`${thingName}: unchanged`);
    }
  }
  if (summary.notStarted.length > 0) lines.push(`not started (stopped): ${summary.notStarted.join(", ")}`);
  lines.push(
    `${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed} failed` +
      (summary.notStarted.length > 0 ? `, ${summary.notStarted.length} not started` : "") +
      (summary.retries > 0 ? ` (${summary.retries} throttled call(s) retried)` : ""),
  );
  return `${lines.join("\n")}\n`;
}

export function formatDeprovisionReport(summary: DeprovisionSummary): string {
  const lines: string[] = [];
  for (const device of summary.devices) {
    const done = device.removed.length > 0 ? device.removed.join("; ") : "";
    if (device.failure !== undefined) {
      lines.push(`${device.thingName}: failed at ${device.failure.step}: ${device.failure.reason}`);
      if (done) lines.push(`  removed before the failure: ${done}; run the command again to finish`);
    } else {
      lines.push(`${device.thingName}: ${device.status}${done ? `: ${done}` : ""}`);
    }
  }
  if (summary.notStarted.length > 0) lines.push(`not started (stopped): ${summary.notStarted.join(", ")}`);
  lines.push(
    `${summary.deleted} deleted, ${summary.alreadyGone} already gone, ${summary.failed} failed` +
      (summary.notStarted.length > 0 ? `, ${summary.notStarted.length} not started` : "") +
      (summary.retries > 0 ? ` (${summary.retries} throttled call(s) retried)` : ""),
  );
  return `${lines.join("\n")}\n`;
}
