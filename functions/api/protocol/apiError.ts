import type { ErrorCode, ErrorDetail } from "../../../shared/contracts/operatorApi.ts";
import { PlantwatchError } from "../../../shared/errors.ts";

/** A failure the operator API reports as it is: a C7 code, a message for the caller, and details. */
export class OperatorApiError extends PlantwatchError {
  readonly code: ErrorCode;
  readonly details?: readonly ErrorDetail[];
  /** `method_not_allowed`: the methods the path takes (the `Allow` header). */
  readonly allow?: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    details?: readonly ErrorDetail[],
    options: { readonly allow?: readonly string[] } = {},
  ) {
    super(message);
    this.name = "OperatorApiError";
    this.code = code;
    if (details !== undefined) this.details = details;
    if (options.allow !== undefined) this.allow = options.allow;
  }
}

/** Collects every problem of a request, so one answer names them all. */
export class RequestProblems {
  readonly #details: ErrorDetail[] = [];

  /** Records a problem; only the first one of each path, as later checks of a refused value add nothing. */
  add(path: string, message: string): undefined {
    if (!this.#details.some((detail) => detail.path === path)) this.#details.push({ path, message });
    return undefined;
  }

  get count(): number {
    return this.#details.length;
  }

  /** Throws `invalid_request` with every problem collected, if any. */
  throwIfAny(): void {
    if (this.#details.length === 0) return;
    const [first] = this.#details;
    const message =
      this.#details.length === 1 && first
        ? `${first.path}: ${first.message}`
        : `${this.#details.length} problems with the request`;
    throw new OperatorApiError("invalid_request", message, this.#details);
  }
}
