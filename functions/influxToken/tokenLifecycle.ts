import {
  AdminSecretError,
  InfluxUnreachableError,
  OrganizationNotFoundError,
  TokenStoreError,
} from "./errors.ts";
import { INFLUX_ID, type InfluxAdmin, type InfluxAdminSession } from "./influxAdminApi.ts";
import { needsNewToken, type TokenResourceProperties } from "./resourceProperties.ts";
import type { AdminCredentialsSource, TokenVault } from "./secretsManagerAdapters.ts";

/** Log lines carry ids, names and error names only: never a password, cookie or token. */
export interface TokenLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface TokenLifecyclePorts {
  readonly adminCredentials: AdminCredentialsSource;
  readonly tokenVault: TokenVault;
  readonly influx: InfluxAdmin;
  readonly log: TokenLog;
}

export interface TokenOutcome {
  /** The InfluxDB authorization id: the custom resource's physical id. */
  readonly authorizationId: string;
}

export function tokenDescription(bucket: string): string {
  return `plantwatch ${bucket} read/write (managed by CloudFormation)`;
}

/**
 * Create: a token that may read and write exactly the configured bucket (created if the instance
 * lacks it, its retention set either way), stored in the token secret. If storing fails the token
 * is revoked again, so no usable token exists that nobody knows of.
 */
export async function createToken(
  props: TokenResourceProperties,
  ports: TokenLifecyclePorts,
  deadline: number,
): Promise<TokenOutcome> {
  return withAdminSession(props, ports, deadline, async (session) => {
    const { orgID, bucketID } = await prepareBucket(session, props, ports);
    const authorization = await session.createBucketToken({
      orgID,
      bucketID,
      description: tokenDescription(props.bucket),
    });
    try {
      await ports.tokenVault.store(props.tokenSecretArn, authorization.token);
    } catch (error) {
      const revoked = await session.revokeAuthorization(authorization.id).then(
        () => true,
        () => false,
      );
      throw new TokenStoreError(props.tokenSecretArn, authorization.id, revoked, error);
    }
    ports.log.info("InfluxDB token created and stored", {
      authorizationId: authorization.id,
      organization: props.organization,
      bucket: props.bucket,
      tokenSecretArn: props.tokenSecretArn,
    });
    return { authorizationId: authorization.id };
  });
}

/**
 * Update: a new token when what it is scoped to (or where it is kept) changed — CloudFormation
 * then deletes the old physical id, which revokes the old token; only the retention changed: set
 * it and keep the token; nothing that matters changed: nothing to do.
 */
export async function updateToken(
  previous: TokenResourceProperties,
  props: TokenResourceProperties,
  authorizationId: string,
  ports: TokenLifecyclePorts,
  deadline: number,
): Promise<TokenOutcome> {
  if (needsNewToken(previous, props)) return createToken(props, ports, deadline);
  if (previous.retentionSeconds !== props.retentionSeconds) {
    await withAdminSession(props, ports, deadline, (session) => prepareBucket(session, props, ports));
    ports.log.info("InfluxDB bucket retention updated", {
      authorizationId,
      bucket: props.bucket,
      retentionSeconds: props.retentionSeconds,
    });
  }
  return { authorizationId };
}

/**
 * Delete: revoke the token. The token secret is left alone: after a replacement it already holds
 * the new token. A token that cannot exist any more (instance unreachable or gone, admin secret
 * gone, an id that is no InfluxDB id) is not worth a stuck stack deletion: logged, and success.
 */
export async function deleteToken(
  props: TokenResourceProperties,
  authorizationId: string,
  ports: TokenLifecyclePorts,
  deadline: number,
): Promise<void> {
  if (!INFLUX_ID.test(authorizationId)) {
    ports.log.warn("no InfluxDB authorization behind this physical id; nothing to revoke", {
      authorizationId,
    });
    return;
  }
  try {
    const outcome = await withAdminSession(props, ports, deadline, (session) =>
      session.revokeAuthorization(authorizationId),
    );
    ports.log.info(outcome === "revoked" ? "InfluxDB token revoked" : "InfluxDB token was already gone", {
      authorizationId,
    });
  } catch (error) {
    const gone = error instanceof InfluxUnreachableError || (error instanceof AdminSecretError && error.gone);
    if (!gone) throw error;
    ports.log.warn("InfluxDB instance or its admin secret is gone; the token went with it", {
      authorizationId,
      reason: error.message,
    });
  }
}

async function prepareBucket(
  session: InfluxAdminSession,
  props: TokenResourceProperties,
  ports: TokenLifecyclePorts,
): Promise<{ orgID: string; bucketID: string }> {
  const orgID = await session.findOrganizationId(props.organization);
  if (orgID === undefined) throw new OrganizationNotFoundError(props.organization);
  const existing = await session.findBucket(orgID, props.bucket);
  if (existing !== undefined) {
    await session.setRetention(existing.id, props.retentionSeconds);
    return { orgID, bucketID: existing.id };
  }
  const created = await session.createBucket(orgID, props.bucket, props.retentionSeconds);
  ports.log.info("InfluxDB bucket created", { bucket: props.bucket, bucketId: created.id });
  return { orgID, bucketID: created.id };
}

async function withAdminSession<T>(
  props: TokenResourceProperties,
  ports: TokenLifecyclePorts,
  deadline: number,
  work: (session: InfluxAdminSession) => Promise<T>,
): Promise<T> {
  const credentials = await ports.adminCredentials.read(props.adminSecretArn);
  const session = await ports.influx.signIn(props.url, credentials, deadline);
  try {
    return await work(session);
  } finally {
    // A session left open expires within minutes on its own; a failed sign-out must not hide the result.
    await session.signOut().catch((error: unknown) => {
      ports.log.warn("InfluxDB sign-out failed", { error: (error as Error)?.message });
    });
  }
}
