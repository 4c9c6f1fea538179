import { SignatureV4 } from "@smithy/signature-v4";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  ChecksumConstructor,
  HttpRequest,
} from "@smithy/types";

/** The request as it goes on the wire, for signing: `path` is percent-encoded as sent, `query` decoded. */
export type SignableRequest = HttpRequest;

/** Adds authentication headers to a request; the result includes the request's own headers. */
export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/** The service name API Gateway's IAM authorisation expects in the credential scope. */
export const EXECUTE_API_SERVICE = "execute-api";

/**
 * SigV4 for API Gateway with IAM authorisation: the same signer the SDK clients use, so a request
 * signed here is accepted wherever an SDK request with these credentials would be. The hash comes
 * from the caller: Node's crypto for the CLI, Web Crypto for the console in a browser.
 */
export function executeApiSigner(options: {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly sha256: ChecksumConstructor;
}): RequestSigner {
  const signer = new SignatureV4({
    service: EXECUTE_API_SERVICE,
    region: options.region,
    credentials: options.credentials,
    sha256: options.sha256,
  });
  return async (request) => (await signer.sign(request)).headers;
}
