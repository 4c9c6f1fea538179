import * as z from "zod/mini";
import { InvalidTokenPropertiesError } from "./errors.ts";

/**
 * The custom resource's properties as the CDK construct writes them (CloudFormation passes every
 * scalar as a string). The construct types its `properties` against this, so both sides share one
 * contract.
 */
export interface TokenResourcePropertiesInput {
  /** `https://<endpoint>:8086`: the instance's base URL. */
  readonly Url: string;
  /** The instance's `InfluxAuthParametersSecretArn` (admin username and password, JSON). */
  readonly AdminSecretArn: string;
  /** The plantwatch secret that receives the token, as JSON `{"token": "..."}`. */
  readonly TokenSecretArn: string;
  readonly Organization: string;
  readonly Bucket: string;
  /** Seconds the bucket keeps data; "0" = forever. */
  readonly RetentionSeconds: string;
}

/** The same, checked and typed. */
export interface TokenResourceProperties {
  /** Without a trailing slash. */
  readonly url: string;
  readonly adminSecretArn: string;
  readonly tokenSecretArn: string;
  readonly organization: string;
  readonly bucket: string;
  readonly retentionSeconds: number;
}

/** InfluxDB refuses a finite retention below one hour (its shard-group floor). */
export const MIN_RETENTION_SECONDS = 3_600;

const secretArn = z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/));

const schema = z.object({
  Url: z.string().check(
    z.refine((value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === "https:" || url.protocol === "http:") && url.search === "" && url.hash === ""
        );
      } catch {
        return false;
      }
    }, "must be an http(s) base URL such as https://<endpoint>:8086"),
  ),
  AdminSecretArn: secretArn,
  TokenSecretArn: secretArn,
  Organization: z.string().check(z.minLength(1)),
  // InfluxDB reserves names starting with "_" for its system buckets.
  Bucket: z.string().check(z.minLength(1), z.regex(/^[^_]/, "must not start with an underscore")),
  RetentionSeconds: z.union([z.string(), z.number()]).check(
    z.refine((value) => {
      const seconds = Number(value);
      return (
        String(value).trim() !== "" &&
        Number.isSafeInteger(seconds) &&
        (seconds === 0 || seconds >= MIN_RETENTION_SECONDS)
      );
    }, `must be 0 (forever) or a whole number of seconds >= ${MIN_RETENTION_SECONDS}`),
  ),
});

export function readTokenResourceProperties(raw: unknown): TokenResourceProperties {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidTokenPropertiesError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const props = parsed.data;
  return {
    url: props.Url.replace(/\/+$/, ""),
    adminSecretArn: props.AdminSecretArn,
    tokenSecretArn: props.TokenSecretArn,
    organization: props.Organization,
    bucket: props.Bucket,
    retentionSeconds: Number(props.RetentionSeconds),
  };
}

/**
 * A change of any of these needs a new token (the old one is revoked when CloudFormation deletes
 * the old physical resource). A change of the admin secret alone needs nothing: it is only where
 * the credentials are read from.
 */
export function needsNewToken(previous: TokenResourceProperties, next: TokenResourceProperties): boolean {
  return (
    previous.url !== next.url ||
    previous.organization !== next.organization ||
    previous.bucket !== next.bucket ||
    previous.tokenSecretArn !== next.tokenSecretArn
  );
}
