import { PlantwatchError } from "../shared/errors.ts";

/**
 * Why the local stack could not start, for the command to map to an exit code: `foreign_data_dir`
 * is the user's choice to change (a usage error); the others are the machine's state (a runtime one).
 */
export type LocalStartupReason =
  | "port_unavailable"
  | "address_unavailable"
  | "foreign_data_dir"
  | "data_dir_in_use";

/** The local stack could not start; the message says what to change. */
export class LocalStartupError extends PlantwatchError {
  readonly reason: LocalStartupReason;

  constructor(reason: LocalStartupReason, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "LocalStartupError";
    this.reason = reason;
  }
}

/** A port the local stack could not bind, with the flag that moves it. */
export class PortUnavailableError extends LocalStartupError {
  readonly port: number;
  readonly flag: string;

  constructor(
    message: string,
    details: { readonly port: number; readonly flag: string; readonly cause: unknown },
  ) {
    super("port_unavailable", message, { cause: details.cause });
    this.name = "PortUnavailableError";
    this.port = details.port;
    this.flag = details.flag;
  }
}

/** `--host` names an address this machine does not have. */
export class AddressUnavailableError extends LocalStartupError {
  readonly host: string;

  constructor(host: string, cause: unknown) {
    super("address_unavailable", `cannot listen on ${host}: no such local address`, { cause });
    this.name = "AddressUnavailableError";
    this.host = host;
  }
}

/** `--data-dir` holds something that is not the local stack's, so it is neither written nor deleted. */
export class ForeignDataDirError extends LocalStartupError {
  readonly directory: string;

  constructor(directory: string, message: string) {
    super("foreign_data_dir", message);
    this.name = "ForeignDataDirError";
    this.directory = directory;
  }
}

/** Another local stack has `--data-dir` open: a second one would fail on its database, or `--reset` would delete it from under the first. */
export class DataDirInUseError extends LocalStartupError {
  readonly directory: string;

  constructor(directory: string, cause: unknown) {
    super(
      "data_dir_in_use",
      `${directory} is in use by another plantwatch local stack: stop that one (Ctrl+C), or choose another data directory with --data-dir`,
      { cause },
    );
    this.name = "DataDirInUseError";
    this.directory = directory;
  }
}
