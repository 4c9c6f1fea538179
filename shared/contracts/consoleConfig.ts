/**
 * The hosted console's `config.json`: written by the stack next to the dashboard's files and read
 * by the dashboard when it starts, so that the API's URL and the sign-in settings of a deployment
 * come from this file, not from a rebuild of the bundle.
 */

/** Where the hosted console reads its configuration (next to `index.html`). */
export const CONSOLE_CONFIG_PATH = "/config.json";

export interface ConsoleConfig {
  /** Version of this file's shape; a field's meaning never changes within a version. */
  readonly version: 1;
  /** The operator API (C7), IAM-authorised: its stage URL, ending with `/` (`${apiUrl}alarms`). */
  readonly apiUrl: string;
  /** The AWS region of the API, the user pool and the identity pool (SigV4 signs for this region). */
  readonly region: string;
  /** The Cognito user pool operators sign in to (`eu-west-1_AbCdEf123`). */
  readonly userPoolId: string;
  /**
   * The console's app client: public (no secret), authorization code grant with PKCE. Its redirect
   * (and sign-out) URL is the console's own origin followed by `/`.
   */
  readonly userPoolClientId: string;
  /**
   * The identity pool that exchanges the user pool's ID token for temporary AWS credentials of the
   * user's group role (viewer, operator or admin), with which the console signs its API calls.
   */
  readonly identityPoolId: string;
  /**
   * The managed-login domain, `https://<prefix>.auth.<region>.amazoncognito.com` (no trailing `/`):
   * `/oauth2/authorize`, `/oauth2/token` and `/logout` are under it.
   */
  readonly signInUrl: string;
  /** The OAuth scopes the app client allows. */
  readonly scopes: readonly string[];
}
