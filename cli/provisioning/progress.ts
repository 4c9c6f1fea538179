import { Presets, SingleBar } from "cli-progress";
import type { FleetProgress } from "../../provisioning/fleetRun.ts";

export interface ProgressOptions {
  readonly title: string;
  readonly total: number;
  /** A bar on `stream` when it is a terminal; otherwise one plain line per device through `line`. */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly line: (text: string) => void;
}

const SILENT: FleetProgress = { advance: () => undefined, stop: () => undefined };

/**
 * A cli-progress bar on a terminal, plain `[3/20] oven-3: created` lines anywhere else (CI logs,
 * pipes); nothing for a single device, whose report follows at once.
 */
export function createProgress(options: ProgressOptions): FleetProgress {
  const { title, total, stream } = options;
  if (total <= 1) return SILENT;
  if (stream?.isTTY) {
    const bar = new SingleBar(
      { format: `${title} [{bar}] {value}/{total} {last}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { last: "" });
    return { advance: (label) => bar.increment(1, { last: label }), stop: () => bar.stop() };
  }
  let done = 0;
  return { advance: (label) => options.line(`[${++done}/${total}] ${label}\n`), stop: () => undefined };
}
