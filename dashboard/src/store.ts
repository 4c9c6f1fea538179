import type { AlarmRuleDocument } from "../../shared/contracts/alarmRules.ts";
import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import type { AlarmView, DeviceView, SilenceView } from "../../shared/contracts/operatorApi.ts";
import type { MetricValue } from "../../shared/domain/ingest/types.ts";

export type Topic = "devices" | "alarms" | "rules" | "silences" | "selection" | "metrics";

export interface TelemetrySample {
  readonly thingName: string;
  readonly time: number;
  readonly metrics: Readonly<Record<string, MetricValue>>;
}

/**
 * What the dashboard knows: loaded from the API, then kept current by live events. Views subscribe
 * to topics and redraw (once per frame) when one changes.
 */
export class DashboardStore {
  readonly devices = new Map<string, DeviceView>();
  readonly alarms = new Map<string, AlarmView>();
  rules: readonly AlarmRuleDocument[] = [];
  silences: readonly SilenceView[] = [];
  /** Numeric and boolean metrics seen in live telemetry, per thing: no C7 route lists a thing's metrics. */
  readonly metricsSeen = new Map<string, Set<string>>();
  /** Receive time (ms, this browser's clock) of the newest live telemetry per thing. */
  readonly lastTelemetry = new Map<string, number>();
  selectedThing: string | undefined;
  selectedAlarm: string | undefined;

  readonly #listeners = new Map<Topic, Set<() => void>>();
  readonly #telemetryListeners = new Set<(sample: TelemetrySample) => void>();

  on(topic: Topic, listener: () => void): void {
    let listeners = this.#listeners.get(topic);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(topic, listeners);
    }
    listeners.add(listener);
  }

  onTelemetry(listener: (sample: TelemetrySample) => void): void {
    this.#telemetryListeners.add(listener);
  }

  changed(topic: Topic): void {
    for (const listener of this.#listeners.get(topic) ?? []) listener();
  }

  setDevices(devices: readonly DeviceView[]): void {
    this.devices.clear();
    for (const device of devices) this.devices.set(device.thingName, device);
    // A newcomer's eye goes to the machine in trouble first.
    const first = devices.find((device) => this.openAlarmsOf(device.thingName).length > 0) ?? devices[0];
    if (this.selectedThing === undefined && first !== undefined) {
      this.selectedThing = first.thingName;
      this.changed("selection");
    }
    this.changed("devices");
  }

  setAlarms(alarms: readonly AlarmView[]): void {
    this.alarms.clear();
    for (const alarm of alarms) this.alarms.set(alarm.alarmId, alarm);
    this.changed("alarms");
  }

  putAlarm(alarm: AlarmView): void {
    this.alarms.set(alarm.alarmId, alarm);
    this.changed("alarms");
  }

  select(thingName: string): void {
    if (this.selectedThing === thingName) return;
    this.selectedThing = thingName;
    this.changed("selection");
  }

  selectAlarm(alarmId: string | undefined): void {
    this.selectedAlarm = alarmId;
    this.changed("selection");
  }

  /** Applies what a live event says about devices and telemetry; alarm events are the caller's (they need the API). */
  apply(event: LiveEvent): void {
    if (event.type === "telemetry") {
      this.lastTelemetry.set(event.thingName, Date.now());
      let seen = this.metricsSeen.get(event.thingName);
      if (seen === undefined) {
        seen = new Set();
        this.metricsSeen.set(event.thingName, seen);
      }
      const before = seen.size;
      for (const sample of event.samples) {
        // Strings (a mode, a recipe) are not charted.
        for (const [metric, value] of Object.entries(sample.metrics))
          if (typeof value !== "string") seen.add(metric);
        for (const listener of this.#telemetryListeners) {
          listener({ thingName: event.thingName, time: sample.time, metrics: sample.metrics });
        }
      }
      if (seen.size !== before && event.thingName === this.selectedThing) this.changed("metrics");
    } else if (event.type === "connectivity") {
      const device = this.devices.get(event.thingName);
      if (device !== undefined) {
        this.devices.set(event.thingName, {
          ...device,
          connectivity: { connected: event.connected, since: new Date(event.at).toISOString() },
        });
        this.changed("devices");
      }
    }
  }

  /** Open alarms of a thing, from the alarm list (kept live) rather than the device list (loaded once). */
  openAlarmsOf(thingName: string): AlarmView[] {
    return [...this.alarms.values()].filter(
      (alarm) => alarm.thingName === thingName && alarm.state !== "NORMAL" && alarm.state !== "DISABLED",
    );
  }
}
