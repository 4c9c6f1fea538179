import type { SilenceView } from "../../shared/contracts/operatorApi.ts";
import { formatFields, formatTable, type OutputStyle, orDash, paint, shortTime } from "./table.ts";

/** How `plantwatch silences` shows maintenance windows to people. */

export type SilenceStatus = "active" | "upcoming" | "ended";

/** `active` is the server's word (its clock); upcoming and ended are told apart by the client's. */
export function silenceStatus(silence: SilenceView, now: number): SilenceStatus {
  if (silence.active) return "active";
  return Date.parse(silence.endsAt) <= now ? "ended" : "upcoming";
}

export function describeMatch(match: SilenceView["match"]): string {
  return [
    match.things === undefined || match.things.length === 0 ? undefined : `things ${match.things.join(",")}`,
    match.site === undefined ? undefined : `site ${match.site}`,
    match.line === undefined ? undefined : `line ${match.line}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
}

function paintStatus(style: OutputStyle, status: SilenceStatus): string {
  return status === "active"
    ? paint(style, "yellow", status)
    : status === "ended"
      ? paint(style, "grey", status)
      : status;
}

export function formatSilenceTable(
  silences: readonly SilenceView[],
  now: number,
  style: OutputStyle,
): string {
  return formatTable(
    ["ID", "STATUS", "MATCH", "STARTS", "ENDS", "CREATED BY", "COMMENT"],
    silences.map((silence) => [
      silence.id,
      paintStatus(style, silenceStatus(silence, now)),
      describeMatch(silence.match),
      shortTime(silence.startsAt),
      shortTime(silence.endsAt),
      silence.createdBy,
      orDash(silence.comment),
    ]),
    style,
  );
}

export function formatSilence(silence: SilenceView, now: number, style: OutputStyle): string {
  return formatFields([
    ["Silence", silence.id],
    ["Status", paintStatus(style, silenceStatus(silence, now))],
    ["Matches", describeMatch(silence.match)],
    ["From", shortTime(silence.startsAt)],
    ["Until", shortTime(silence.endsAt)],
    ["Created by", `${silence.createdBy} at ${shortTime(silence.createdAt)}`],
    ["Comment", silence.comment],
  ]);
}
