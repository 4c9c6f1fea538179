import type { DeviceDetailView, DeviceView } from "../../shared/contracts/operatorApi.ts";
import { formatAlarmTable } from "./alarms.ts";
import { formatFields, formatTable, type OutputStyle, orDash, paint, shortTime } from "./table.ts";

/** How `plantwatch devices` shows the registry to people. */

function connectivity(device: DeviceView, style: OutputStyle): string {
  if (device.connectivity === undefined) return "-";
  const { connected, since } = device.connectivity;
  const word = connected ? paint(style, "green", "connected") : paint(style, "red", "disconnected");
  return `${word} since ${shortTime(since)}`;
}

function activeAlarms(device: DeviceView, style: OutputStyle): string {
  return device.activeAlarms > 0 ? paint(style, "red", String(device.activeAlarms)) : "0";
}

export function formatDeviceTable(devices: readonly DeviceView[], style: OutputStyle): string {
  return formatTable(
    ["THING", "SITE", "LINE", "MODEL", "LAST SEEN", "CONNECTIVITY", "ACTIVE ALARMS"],
    devices.map((device) => [
      device.thingName,
      orDash(device.site),
      orDash(device.line),
      orDash(device.model),
      shortTime(device.lastSeen),
      connectivity(device, style),
      activeAlarms(device, style),
    ]),
    style,
  );
}

export function formatDeviceDetail(device: DeviceDetailView, style: OutputStyle): string {
  const attributes = Object.entries(device.attributes ?? {})
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(", ");
  const fields = formatFields([
    ["Thing", device.thingName],
    ["Site", device.site],
    ["Line", device.line],
    ["Model", device.model],
    ["Attributes", attributes === "" ? undefined : attributes],
    ["Last seen", device.lastSeen === undefined ? "never (or not yet recorded)" : shortTime(device.lastSeen)],
    ["Connectivity", device.connectivity === undefined ? undefined : connectivity(device, style)],
    ["Active alarms", activeAlarms(device, style)],
  ]);
  if (device.alarms.length === 0) return `${fields}\nNo alarm instances yet.\n`;
  return `${fields}\nAlarms:\n${formatAlarmTable(device.alarms, style)}`;
}
