import { PlantwatchError } from "../../shared/errors.ts";

/**
 * The step of the token's life cycle that failed; it leads every error message, so a failed
 * CloudFormation event says where it stopped without a look at the logs.
 */
export type TokenStep =
  | "properties"
  | "read admin secret"
  | "sign in"
  | "find organization"
  | "find bucket"
  | "create bucket"
  | "set retention"
  | "create token"
  | "store token"
  | "revoke token"
  | "sign out";

/** The resource properties CloudFormation passed do not fit the contract. */
export class InvalidTokenPropertiesError extends PlantwatchError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`properties: invalid InfluxDB token resource properties: ${problems.join("; ")}`);
    this.name = "InvalidTokenPropertiesError";
    this.problems = problems;
  }
}

/** The instance's admin secret is missing, unreadable or not the JSON Timestream for InfluxDB writes. */
export class AdminSecretError extends PlantwatchError {
  readonly secretArn: string;
  /** The secret (or the instance behind it) does not exist any more. */
  readonly gone: boolean;

  constructor(secretArn: string, problem: string, options: { cause?: unknown; gone?: boolean } = {}) {
    super(`read admin secret: ${secretArn}: ${problem}`, { cause: options.cause });
    this.name = "AdminSecretError";
    this.secretArn = secretArn;
    this.gone = options.gone ?? false;
  }
}

/**
 * InfluxDB answered a step with an unexpected status. `detail` is InfluxDB's own `code`/`message`,
 * shortened and scrubbed of the password, the session cookie and the token.
 */
export class InfluxApiError extends PlantwatchError {
  readonly step: TokenStep;
  readonly status: number;
  readonly detail: string;

  constructor(step: TokenStep, status: number, detail: string) {
    super(`${step}: InfluxDB answered HTTP ${status}${detail === "" ? "" : `: ${detail}`}`, {
      retryable: status === 429 || status >= 500,
    });
    this.name = "InfluxApiError";
    this.step = step;
    this.status = status;
    this.detail = detail;
  }
}

/** No HTTP answer at all (connection refused, DNS failure, timeout) after every retry the deadline allowed. */
export class InfluxUnreachableError extends PlantwatchError {
  readonly step: TokenStep;
  readonly attempts: number;
  /** The socket-level code, e.g. `ECONNREFUSED`, `ENOTFOUND`, or `TimeoutError`. */
  readonly code: string;

  constructor(step: TokenStep, code: string, attempts: number, cause: unknown) {
    super(`${step}: InfluxDB unreachable (${code}) after ${attempts} attempt(s)`, { cause, retryable: true });
    this.name = "InfluxUnreachableError";
    this.step = step;
    this.attempts = attempts;
    this.code = code;
  }
}

/** InfluxDB answered 2xx with a body that lacks what the step needs (an id, a token, a cookie). */
export class InfluxResponseError extends PlantwatchError {
  readonly step: TokenStep;

  constructor(step: TokenStep, problem: string) {
    super(`${step}: unexpected InfluxDB response: ${problem}`);
    this.name = "InfluxResponseError";
    this.step = step;
  }
}

/** The organization named in the properties does not exist on the instance (it is never created here). */
export class OrganizationNotFoundError extends PlantwatchError {
  readonly organization: string;

  constructor(organization: string) {
    super(`find organization: organization "${organization}" does not exist on the InfluxDB instance`);
    this.name = "OrganizationNotFoundError";
    this.organization = organization;
  }
}

/** Writing the token into the plantwatch secret failed; the token just created was revoked again. */
export class TokenStoreError extends PlantwatchError {
  readonly secretArn: string;
  /** Whether the orphan authorization was revoked; when false its id is in `authorizationId`. */
  readonly revoked: boolean;
  readonly authorizationId: string;

  constructor(secretArn: string, authorizationId: string, revoked: boolean, cause: unknown) {
    const errorName = (cause as { name?: string })?.name ?? "Error";
    super(
      `store token: PutSecretValue on ${secretArn} failed (${errorName}); authorization ${authorizationId} ${
        revoked ? "was revoked again" : "could NOT be revoked: revoke it by hand"
      }`,
      { cause },
    );
    this.name = "TokenStoreError";
    this.secretArn = secretArn;
    this.revoked = revoked;
    this.authorizationId = authorizationId;
  }
}
