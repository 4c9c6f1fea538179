import { wellFormed } from "./text.ts";

/** What a deployment adds to a C5 detail to make a message an operator can act on. */
export interface NotificationContext {
  /**
   * Base URL of the operator dashboard; an alarm's page is `{consoleUrl}/alarms/{alarmId}`.
   * @default no link
   */
  readonly consoleUrl?: string;
  /**
   * The command that acknowledges an alarm, as an operator types it.
   * @default `npx plantwatch alarms ack <alarmId>`
   */
  readonly ackCommand?: (alarmId: string) => string;
  /**
   * IANA time zone of the plant, for the human-readable times (ISO times are always UTC).
   * @default "UTC"
   */
  readonly timeZone?: string;
}

/** Characters a POSIX shell takes literally: alarm ids that keep to C5 never need quoting. */
const SHELL_SAFE = /^[A-Za-z0-9:_.,/=@+-]+$/;

/** `word` as a POSIX shell should be given it: as it is when safe, else single-quoted. */
export function shellWord(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function defaultAckCommand(alarmId: string): string {
  return `npx plantwatch alarms ack ${shellWord(alarmId)}`;
}

export function ackCommandFor(context: NotificationContext, alarmId: string): string {
  return (context.ackCommand ?? defaultAckCommand)(alarmId);
}

/** The alarm's page in the dashboard, when the deployment has one. */
export function alarmUrl(context: NotificationContext, alarmId: string): string | undefined {
  if (context.consoleUrl === undefined || context.consoleUrl === "") return undefined;
  return `${context.consoleUrl.replace(/\/+$/, "")}/alarms/${encodeURIComponent(wellFormed(alarmId))}`;
}
