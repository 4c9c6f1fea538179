import type { ConsoleUser } from "../users/consoleUsers.ts";
import { formatTable, type OutputStyle, paint, shortTime } from "./table.ts";

/** How `plantwatch users list` shows the console's users to people. */
export function formatUserTable(users: readonly ConsoleUser[], style: OutputStyle): string {
  return formatTable(
    ["EMAIL", "GROUP", "STATUS", "MFA", "ENABLED", "CREATED"],
    users.map((user) => [
      user.email,
      user.groups.length === 0 ? paint(style, "yellow", "(none)") : user.groups.join(","),
      user.status === "CONFIRMED" ? user.status : paint(style, "yellow", user.status),
      user.mfa.length === 0 ? "-" : user.mfa.join(","),
      user.enabled ? "yes" : paint(style, "red", "no"),
      shortTime(user.created),
    ]),
    style,
  );
}
