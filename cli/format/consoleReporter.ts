import type { LocalStackReporter } from "../../local/localStack.ts";
import { oneLine } from "../../shared/domain/notifications/text.ts";
import type { CliIo } from "../io.ts";
import { alarmConsoleLine, clockTime, notificationConsoleLine } from "./consoleLine.ts";
import type { OutputStyle } from "./table.ts";
import { paint } from "./table.ts";

/**
 * The local stack's console: one line per e-mail/SMS notification on stdout (what the console
 * notifier receives), an alarm event a silence kept quiet in grey, and in grey what a developer
 * wants to notice: quarantined messages, refused clients,
 * demo devices that cannot connect. Problems go to stderr.
 */
export function consoleReporter(
  io: CliIo,
  style: OutputStyle,
  options: { readonly timeZone?: string; readonly now?: () => number } = {},
): LocalStackReporter {
  const now = options.now ?? Date.now;
  const grey = (text: string) =>
    io.out(`${paint(style, "grey", `${clockTime(now(), options.timeZone)} ${text}`)}\n`);
  const failing = new Map<string, string>();
  const zone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
  return {
    notified: (message) => io.out(`${notificationConsoleLine(message, { style, at: now(), ...zone })}\n`),
    silenced: (detail, silenceId) =>
      io.out(`${alarmConsoleLine(detail, { style, ...zone, silencedBy: silenceId })}\n`),
    quarantined: (entry) =>
      grey(
        `quarantined ${oneLine(entry.thingName) || "(no thing)"}: ${entry.reason} (${oneLine(entry.detail)})`,
      ),
    refused: (refusal) =>
      grey(
        `refused ${oneLine(refusal.clientId) || "(no client id)"} on ${refusal.listener}: ${refusal.reason}`,
      ),
    device: (event) => {
      if (event.type === "connection-failed") {
        if (failing.get(event.thingName) === event.message) return;
        failing.set(event.thingName, event.message);
        grey(`demo ${event.thingName}: ${event.message}; retrying`);
      } else if (failing.delete(event.thingName)) {
        grey(`demo ${event.thingName}: connected`);
      }
    },
    problem: (message, error) => {
      const cause = error instanceof Error ? `: ${error.name}: ${error.message}` : "";
      io.err(`${paint(style, "yellow", "warning")} ${message}${cause}\n`);
    },
  };
}
