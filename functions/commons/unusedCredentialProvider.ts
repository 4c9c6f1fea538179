import { CredentialsProviderError } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider, Logger } from "@smithy/types";

/**
 * Stands in, in the Lambda bundles only, for the credential providers Lambda never reaches:
 * `@aws-sdk/credential-provider-{sso,ini,process,web-identity}` (and, through them, the STS,
 * SSO, SSO-OIDC and sign-in clients of `@aws-sdk/nested-clients`). The SDK's default chain
 * (`@aws-sdk/credential-provider-node`) tries the environment first, and the Lambda runtime always
 * sets `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; should the chain ever
 * get here, each stand-in says "try the next link", as a provider without its configuration does.
 * `PlantwatchFunction` aliases the four packages to this module; it exports every name their
 * importers use (the default chain imports `fromSSO`, `fromIni`, `fromProcess`, `fromTokenFile`).
 */
function notBundled(provider: string) {
  return (init?: { readonly logger?: Logger }): AwsCredentialIdentityProvider =>
    async () => {
      throw new CredentialsProviderError(
        `${provider} is not bundled in this Lambda function: its credentials come from the environment.`,
        { logger: init?.logger, tryNextLink: true },
      );
    };
}

export const fromSSO = notBundled("@aws-sdk/credential-provider-sso");
export const fromIni = notBundled("@aws-sdk/credential-provider-ini");
export const fromProcess = notBundled("@aws-sdk/credential-provider-process");
export const fromTokenFile = notBundled("@aws-sdk/credential-provider-web-identity");
export const fromWebToken = notBundled("@aws-sdk/credential-provider-web-identity");
