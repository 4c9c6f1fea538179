import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as iam from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import {
  OPERATOR_ACCESS_LEVELS,
  type OperatorAccessLevel,
  type OperatorAccessPolicies,
} from "./OperatorAccessPolicies.ts";

export type ConsoleMfa = "off" | "optional" | "required";

const MFA: Readonly<Record<ConsoleMfa, cognito.Mfa>> = {
  off: cognito.Mfa.OFF,
  optional: cognito.Mfa.OPTIONAL,
  required: cognito.Mfa.REQUIRED,
};

/** The scopes the console asks for: who signed in, nothing of the user pool's own API. */
export const CONSOLE_SCOPES = ["openid", "email", "profile"] as const;

/** The managed-login domain of a Cognito prefix domain: `https://<prefix>.auth.<region>.amazoncognito.com`. */
export function managedLoginUrl(scope: Construct, domainPrefix: string): string {
  return `https://${domainPrefix}.auth.${Stack.of(scope).region}.amazoncognito.com`;
}

export interface ConsoleSignInProps {
  /** The per-route policies of the operator API; each group's role gets its level's policy. */
  readonly accessPolicies: OperatorAccessPolicies;
  /** The console's URL (`https://...`, no trailing `/`): the app client's redirect and sign-out URL. */
  readonly consoleUrl: string;
  /** Also allow `http://localhost:8080/` as a redirect (the local stack's dashboard, for development). */
  readonly localCallback: boolean;
  /** The managed-login domain's prefix, unique in the region. */
  readonly domainPrefix: string;
  readonly mfa: ConsoleMfa;
  /** Of the user pool (its users are the one copy of who may sign in). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Operators' sign-in to the hosted console: a Cognito user pool (no self sign-up, e-mail as user
 * name, TOTP MFA as configured, threat protection enforced) with managed login and one public app
 * client (authorization code grant, for PKCE), the groups viewer, operator and admin, and an
 * identity pool that turns a signed-in user's group into that group's IAM role. Each role may
 * call exactly its level's operator API routes: it is given the same managed policy CLI users are
 * given (`OperatorAccessPolicies`), so one authorization model serves both. A user in no group
 * gets no credentials at all.
 */
export class ConsoleSignIn extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly client: cognito.UserPoolClient;
  readonly identityPool: cognito.CfnIdentityPool;
  readonly roles: Readonly<Record<OperatorAccessLevel, iam.Role>>;
  readonly groups: Readonly<Record<OperatorAccessLevel, cognito.CfnUserPoolGroup>>;
  readonly mfa: ConsoleMfa;

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    this.mfa = props.mfa;
    this.userPool = new cognito.UserPool(this, "UserPool", {
      // Operators are invited (`plantwatch users add`), never sign themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      mfa: MFA[props.mfa],
      // TOTP only: SMS codes need an SNS spending limit and are open to SIM swapping.
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential and adaptive (risk-based) checks, enforced, for a console that
      // can silence alarms. About $0.02 per monthly active user.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    this.domain = this.userPool.addDomain("Domain", {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const redirectUrls = [`${props.consoleUrl}/`, ...(props.localCallback ? ["http://localhost:8080/"] : [])];
    this.client = this.userPool.addClient("ConsoleClient", {
      // A browser keeps no secret: a public client, whose code exchange PKCE protects.
      generateSecret: false,
      // Sign-in happens in managed login; the console itself only refreshes its tokens.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: redirectUrls,
        logoutUrls: redirectUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A shift: after it, the operator signs in again.
      refreshTokenValidity: Duration.hours(12),
    });
    // Managed login (version 2) shows its pages to a client only once it has a style.
    new cognito.CfnManagedLoginBranding(this, "Branding", {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    this.identityPool = new cognito.CfnIdentityPool(this, "IdentityPool", {
      allowUnauthenticatedIdentities: false,
      // The enhanced flow only: the classic flow would let a client pick any role the pool trusts.
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          providerName: this.userPool.userPoolProviderName,
          clientId: this.client.userPoolClientId,
          serverSideTokenCheck: true,
        },
      ],
    });
    const roleOf = (level: OperatorAccessLevel) =>
      new iam.Role(this, `${capitalized(level)}Role`, {
        description: `plantwatch console, group ${level}: the operator API routes of the ${level} level`,
        assumedBy: new iam.FederatedPrincipal(
          "cognito-identity.amazonaws.com",
          {
            StringEquals: { "cognito-identity.amazonaws.com:aud": this.identityPool.ref },
            "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
          },
          "sts:AssumeRoleWithWebIdentity",
        ),
        managedPolicies: [props.accessPolicies.policies[level]],
        maxSessionDuration: Duration.hours(1),
      });
    this.roles = { viewer: roleOf("viewer"), operator: roleOf("operator"), admin: roleOf("admin") };
    // The role of a user in several groups is that of the group of least precedence: the highest level.
    const groupOf = (level: OperatorAccessLevel) =>
      new cognito.CfnUserPoolGroup(this, `${capitalized(level)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: level,
        description: `plantwatch console: ${level}`,
        roleArn: this.roles[level].roleArn,
        precedence: OPERATOR_ACCESS_LEVELS.length - OPERATOR_ACCESS_LEVELS.indexOf(level),
      });
    this.groups = { viewer: groupOf("viewer"), operator: groupOf("operator"), admin: groupOf("admin") };
    new cognito.CfnIdentityPoolRoleAttachment(this, "RoleAttachment", {
      identityPoolId: this.identityPool.ref,
      // The role comes from the ID token's cognito:preferred_role (the group's roleArn); a user in
      // no group has none, and is refused rather than given a default role.
      roleMappings: {
        console: {
          identityProvider: `${this.userPool.userPoolProviderName}:${this.client.userPoolClientId}`,
          type: "Token",
          ambiguousRoleResolution: "Deny",
        },
      },
    });
  }

  /** The managed-login domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  get signInUrl(): string {
    return this.domain.baseUrl();
  }
}

function capitalized(level: string): string {
  return `${level.charAt(0).toUpperCase()}${level.slice(1)}`;
}
