import { Hash } from "@smithy/hash-node";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { executeApiSigner, type RequestSigner } from "../../shared/adapters/aws/executeApiSigner.ts";

export type { RequestSigner } from "../../shared/adapters/aws/executeApiSigner.ts";

/** The operator API's signer with Node's SHA-256. */
export function sigV4Signer(options: {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}): RequestSigner {
  return executeApiSigner({ ...options, sha256: Hash.bind(null, "sha256") });
}
