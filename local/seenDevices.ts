import type { DeviceCatalog, DeviceRecord, DeviceRegistry } from "../shared/ports/deviceRegistry.ts";

/** Things with telemetry in the series, and when their newest sample was taken. */
export interface SeenThings {
  things(): readonly { readonly thingName: string; readonly lastSample: number }[];
}

/**
 * The registry as the local stack's operator API sees it: every registered device, and also every
 * thing that published without being provisioned (the README's `mosquitto_pub -i press-1`),
 * marked `provisioned: false` with its newest sample as `lastSeen`, so a newcomer finds it in
 * `plantwatch devices list --local` and the dashboard's fleet. Locally only: on AWS the registry is
 * what `plantwatch provision` wrote.
 */
export class SeenDeviceCatalog implements Pick<DeviceRegistry, "get">, DeviceCatalog {
  readonly #registry: Pick<DeviceRegistry, "get"> & DeviceCatalog;
  readonly #series: SeenThings;

  constructor(registry: Pick<DeviceRegistry, "get"> & DeviceCatalog, series: SeenThings) {
    this.#registry = registry;
    this.#series = series;
  }

  async get(thingName: string): Promise<DeviceRecord | undefined> {
    const device = await this.#registry.get(thingName);
    if (device !== undefined) return device;
    const seen = this.#series.things().find((thing) => thing.thingName === thingName);
    return seen === undefined ? undefined : unprovisioned(seen);
  }

  async list(): Promise<readonly DeviceRecord[]> {
    const registered = await this.#registry.list();
    const known = new Set(registered.map((device) => device.thingName));
    const others = this.#series.things().filter((thing) => !known.has(thing.thingName));
    return [...registered, ...others.map(unprovisioned)].sort((a, b) =>
      a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0,
    );
  }
}

function unprovisioned(thing: { readonly thingName: string; readonly lastSample: number }): DeviceRecord {
  return { thingName: thing.thingName, lastSeen: thing.lastSample, provisioned: false };
}
