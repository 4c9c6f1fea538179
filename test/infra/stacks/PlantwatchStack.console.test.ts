import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { DEEP_LINK_FUNCTION_CODE } from "../../../infra/constructs/ConsoleHosting.ts";
import { STACK_OUTPUTS } from "../../../infra/stackOutputs.ts";
import { loadDashboardAssets } from "../../../local/httpDashboard.ts";
import type { ConsoleConfig } from "../../../shared/contracts/consoleConfig.ts";
import { OPERATOR_ROUTES } from "../../../shared/contracts/operatorApi.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import {
  asArray,
  identityStatements,
  logicalIdOf,
  onlyLogicalId,
  onlyResource,
  readable,
  render,
  renderDeep,
  resource,
  roleStatements,
  type Statement,
} from "../support/cfn.ts";
import { allowsAction } from "../support/iamMatch.ts";

afterAll(removeTempOutdirs);

const REGION = "<AWS::Region>";
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const LEVELS = ["viewer", "operator", "admin"] as const;
type Level = (typeof LEVELS)[number];

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Json = any;

describe("the operator console on AWS", () => {
  let outdir: string;
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<"bucket" | "distribution" | "pool" | "client" | "domain" | "identityPool" | "api", string>;

  beforeAll(() => {
    outdir = tempOutdir("console");
    built = buildApp({
      context: cdkJsonContext(),
      outdir,
      overrides: { console: { localCallback: true } },
      nag: false,
    });
    template = Template.fromStack(built.stack);
    ids = {
      bucket: logicalIdOf(hosting().bucket),
      distribution: logicalIdOf(hosting().distribution),
      pool: logicalIdOf(signIn().userPool),
      client: logicalIdOf(signIn().client),
      domain: logicalIdOf(signIn().domain),
      identityPool: logicalIdOf(signIn().identityPool),
      api: logicalIdOf(built.stack.operatorApi.api),
    };
  });

  const hosting = () => {
    if (!built.stack.consoleHosting) throw new Error("the console is enabled by default");
    return built.stack.consoleHosting;
  };
  const signIn = () => {
    if (!built.stack.consoleSignIn) throw new Error("the console is enabled by default");
    return built.stack.consoleSignIn;
  };
  const roleArnOf = (level: Level) => ({ "Fn::GetAtt": [logicalIdOf(signIn().roles[level]), "Arn"] });
  const consoleUrl = () => `https://<${ids.distribution}.DomainName>`;
  const signInUrl = () => `https://plantwatch-dev-<AWS::AccountId>.auth.${REGION}.amazoncognito.com`;
  const distributionConfig = () =>
    resource(template, "AWS::CloudFront::Distribution", ids.distribution).Properties.DistributionConfig;

  describe("hosting", () => {
    it("serves the private bucket through origin access control, redirecting HTTP to HTTPS", () => {
      const config = distributionConfig();
      const oac = onlyResource(template, "AWS::CloudFront::OriginAccessControl").Properties;
      expect(oac.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      });
      expect(config.Origins).toHaveLength(1);
      expect(config.Origins[0]).toMatchObject({
        DomainName: { "Fn::GetAtt": [ids.bucket, "RegionalDomainName"] },
        OriginAccessControlId: {
          "Fn::GetAtt": [onlyLogicalId(template, "AWS::CloudFront::OriginAccessControl"), "Id"],
        },
        S3OriginConfig: { OriginAccessIdentity: "" },
      });
      expect(config.DefaultCacheBehavior).toMatchObject({
        ViewerProtocolPolicy: "redirect-to-https",
        AllowedMethods: ["GET", "HEAD"],
      });
      expect(config.DefaultRootObject).toBe("index.html");
      expect(config.CacheBehaviors).toBeUndefined();
    });

    it("keeps the bucket private: all public access blocked, readable by this distribution only, TLS only", () => {
      const bucket = resource(template, "AWS::S3::Bucket", ids.bucket).Properties;
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logicalIdOf(built.stack.accessLogs.bucket) },
        LogFilePrefix: "console-bucket/",
      });
      const policies = Object.values(
        template.findResources("AWS::S3::BucketPolicy", { Properties: { Bucket: { Ref: ids.bucket } } }),
      );
      expect(policies).toHaveLength(1);
      const statements = policies[0]?.Properties.PolicyDocument.Statement as Statement[];
      const allows = statements.filter((statement) => statement.Effect === "Allow");
      expect(allows.map((statement) => renderDeep(statement))).toEqual([
        {
          Action: "s3:GetObject",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Resource: `<${ids.bucket}.Arn>/*`,
          Condition: {
            StringEquals: {
              "AWS:SourceArn": `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${ids.distribution}>`,
            },
          },
        },
      ]);
      const denies = statements.filter((statement) => statement.Effect === "Deny");
      expect(denies.map((statement) => statement.Condition)).toEqual([
        { Bool: { "aws:SecureTransport": "false" } },
        { NumericLessThan: { "s3:TlsVersion": 1.2 } },
      ]);
    });

    it("logs requests into a bucket of CloudFront's own, itself access-logged", () => {
      const logBucketId = logicalIdOf(hosting().logBucket);
      expect(distributionConfig().Logging).toEqual({
        Bucket: { "Fn::GetAtt": [logBucketId, "RegionalDomainName"] },
        Prefix: "console/",
      });
      expect(resource(template, "AWS::S3::Bucket", logBucketId).Properties).toMatchObject({
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(built.stack.accessLogs.bucket) } },
      });
      template.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: logBucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    });

    it("sends security headers and a Content-Security-Policy that lets the page reach only itself, the API and Cognito", () => {
      const policyId = distributionConfig().DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
      const headers = resource(template, "AWS::CloudFront::ResponseHeadersPolicy", policyId).Properties
        .ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      expect(headers).toMatchObject({
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 31_536_000,
          IncludeSubdomains: true,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true },
      });
      const directives = render(headers.ContentSecurityPolicy.ContentSecurityPolicy).split("; ");
      expect(directives).toEqual([
        "default-src 'self'",
        "script-src 'self'",
        `connect-src 'self' https://*.execute-api.${REGION}.amazonaws.com ${signInUrl()} ` +
          `https://cognito-identity.${REGION}.amazonaws.com https://cognito-idp.${REGION}.amazonaws.com`,
        "img-src 'self' data:",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        `form-action 'self' ${signInUrl()}`,
      ]);
      expect(headers.ContentSecurityPolicy.Override).toBe(true);
    });

    it("lets the console's origin, and no other, call the API from the browser with SigV4 headers", () => {
      const api = resource(template, "AWS::ApiGatewayV2::Api", ids.api).Properties;
      expect(api.CorsConfiguration.AllowOrigins.map(render)).toEqual([consoleUrl()]);
      expect(api.CorsConfiguration).toMatchObject({
        AllowMethods: ["GET", "POST", "PUT", "DELETE"],
        AllowHeaders: [
          "authorization",
          "content-type",
          "x-amz-content-sha256",
          "x-amz-date",
          "x-amz-security-token",
        ],
        MaxAge: 600,
      });
      expect(api.CorsConfiguration.AllowCredentials).toBeUndefined();
    });

    it("answers deep links with the page: a viewer-request function rewrites paths without an extension", () => {
      const [association] = distributionConfig().DefaultCacheBehavior.FunctionAssociations;
      expect(association.EventType).toBe("viewer-request");
      const fn = resource(
        template,
        "AWS::CloudFront::Function",
        association.FunctionARN["Fn::GetAtt"][0],
      ).Properties;
      expect(fn.FunctionConfig.Runtime).toBe("cloudfront-js-2.0");
      expect(fn.FunctionCode).toBe(DEEP_LINK_FUNCTION_CODE);
      // The function's own code, run as CloudFront runs it: `handler(event)` returns the request.
      const handler = new Function(`${fn.FunctionCode}; return handler;`)() as (event: Json) => Json;
      const uriOf = (uri: string) => handler({ request: { uri } }).uri;
      expect(uriOf("/alarms/oven-overheat%3Aoven-3")).toBe("/index.html");
      expect(uriOf("/")).toBe("/index.html");
      expect(uriOf("/alarms")).toBe("/index.html");
      expect(uriOf("/app.js")).toBe("/app.js");
      expect(uriOf("/vendor/uPlot.min.css")).toBe("/vendor/uPlot.min.css");
      expect(uriOf("/config.json")).toBe("/config.json");
    });

    it("deploys exactly the local stack's dashboard bundle, and invalidates the page and config.json", async () => {
      const deployment = onlyResource(template, "Custom::CDKBucketDeployment").Properties;
      expect(deployment).toMatchObject({
        DestinationBucketName: { Ref: ids.bucket },
        DistributionId: { Ref: ids.distribution },
        DistributionPaths: ["/index.html", "/config.json"],
        Prune: true,
        SystemMetadata: { "cache-control": "no-cache" },
      });
      const files = assetDirectory(deployment.SourceObjectKeys[0]);
      const local = await loadDashboardAssets();
      const hosted = listFiles(files);
      expect(hosted).toEqual(
        [...local.keys()]
          .filter((path) => path !== "/")
          .map((path) => path.slice(1))
          .sort(),
      );
      for (const path of hosted) {
        expect({
          path,
          same: readFileSync(join(files, path)).equals(local.get(`/${path}`)?.body ?? Buffer.alloc(0)),
        }).toEqual({ path, same: true });
      }
    });

    it("writes config.json with the API URL, region and sign-in settings, resolved at deploy", () => {
      const deployment = onlyResource(template, "Custom::CDKBucketDeployment").Properties;
      const directory = assetDirectory(deployment.SourceObjectKeys[1]);
      expect(listFiles(directory)).toEqual(["config.json"]);
      const markers = deployment.SourceMarkers[1] as Record<string, unknown>;
      const text = Object.entries(markers).reduce(
        (content, [marker, value]) => content.replaceAll(marker, render(value)),
        readFileSync(join(directory, "config.json"), "utf8"),
      );
      expect(JSON.parse(text) satisfies ConsoleConfig).toEqual({
        version: 1,
        apiUrl: `https://<${ids.api}>.execute-api.${REGION}.<AWS::URLSuffix>/`,
        region: REGION,
        userPoolId: `<${ids.pool}>`,
        userPoolClientId: `<${ids.client}>`,
        identityPoolId: `<${ids.identityPool}>`,
        signInUrl: `https://<${ids.domain}>.auth.${REGION}.amazoncognito.com`,
        scopes: ["openid", "email", "profile"],
      });
    });

    it("adds CDK's file-deployment function, whose role alone holds wildcard actions, logging to an encrypted group", () => {
      const deployment = hosting().deployment;
      if (!deployment) throw new Error("the console is not published");
      const roleId = logicalIdOf(deployment.handlerRole);
      const wildcards = identityStatements(template).filter(({ statement }) =>
        asArray(statement.Action).some((action) => action.includes("*")),
      );
      expect(new Set(wildcards.flatMap(({ roles }) => roles))).toEqual(new Set([roleId]));
      const fn = Object.values(template.findResources("AWS::Lambda::Function")).filter(
        ({ Properties }) => Properties.Role["Fn::GetAtt"][0] === roleId,
      );
      expect(fn).toHaveLength(1);
      const logGroupId = fn[0]?.Properties.LoggingConfig.LogGroup.Ref;
      expect(resource(template, "AWS::Logs::LogGroup", logGroupId).Properties).toMatchObject({
        KmsKeyId: { "Fn::GetAtt": [logicalIdOf(built.stack.encryptionKey.key), "Arn"] },
        RetentionInDays: built.config.logRetentionDays,
      });
    });

    it("links notifications to the console by default", () => {
      const notify = resource(template, "AWS::Lambda::Function", logicalIdOf(built.stack.notify.function));
      expect(render(notify.Properties.Environment.Variables.CONSOLE_URL)).toBe(consoleUrl());
    });
  });

  describe("sign-in", () => {
    it("lets only administrators create users, who sign in by e-mail, with TOTP MFA optional", () => {
      const pool = resource(template, "AWS::Cognito::UserPool", ids.pool).Properties;
      expect(pool).toMatchObject({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ["email"],
        MfaConfiguration: "OPTIONAL",
        EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
        UserPoolTier: "PLUS",
        UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" },
        DeletionProtection: "ACTIVE",
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          },
        },
      });
      expect(template.findResources("AWS::Cognito::UserPool")[ids.pool]).toMatchObject({
        DeletionPolicy: "Retain",
      });
    });

    it("serves managed login (version 2) on the stack's domain, with Cognito's default branding", () => {
      expect(resource(template, "AWS::Cognito::UserPoolDomain", ids.domain).Properties).toEqual({
        Domain: { "Fn::Join": ["", ["plantwatch-dev-", { Ref: "AWS::AccountId" }]] },
        ManagedLoginVersion: 2,
        UserPoolId: { Ref: ids.pool },
      });
      expect(onlyResource(template, "AWS::Cognito::ManagedLoginBranding").Properties).toEqual({
        UserPoolId: { Ref: ids.pool },
        ClientId: { Ref: ids.client },
        UseCognitoProvidedValues: true,
      });
    });

    it("has one public app client: authorization code only, no secret, redirecting to the console", () => {
      template.resourceCountIs("AWS::Cognito::UserPoolClient", 1);
      const client = resource(template, "AWS::Cognito::UserPoolClient", ids.client).Properties;
      expect(client).toMatchObject({
        AllowedOAuthFlows: ["code"],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ["openid", "email", "profile"],
        GenerateSecret: false,
        ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        SupportedIdentityProviders: ["COGNITO"],
        PreventUserExistenceErrors: "ENABLED",
      });
      const urls = [`${consoleUrl()}/`, "http://localhost:8080/"];
      expect(client.CallbackURLs.map(render)).toEqual(urls);
      expect(client.LogoutURLs.map(render)).toEqual(urls);
    });

    it("has the groups viewer, operator and admin, each with its role, admin first", () => {
      const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
        ({ Properties }) => Properties,
      );
      expect(
        groups.map((group) => ({
          name: group.GroupName,
          pool: group.UserPoolId,
          role: group.RoleArn,
          precedence: group.Precedence,
        })),
      ).toEqual([
        { name: "viewer", pool: { Ref: ids.pool }, role: roleArnOf("viewer"), precedence: 3 },
        { name: "operator", pool: { Ref: ids.pool }, role: roleArnOf("operator"), precedence: 2 },
        { name: "admin", pool: { Ref: ids.pool }, role: roleArnOf("admin"), precedence: 1 },
      ]);
    });

    it("exchanges only signed-in users' tokens for credentials, the role taken from the token or refused", () => {
      expect(resource(template, "AWS::Cognito::IdentityPool", ids.identityPool).Properties).toMatchObject({
        AllowUnauthenticatedIdentities: false,
        AllowClassicFlow: false,
        CognitoIdentityProviders: [
          {
            ClientId: { Ref: ids.client },
            ProviderName: { "Fn::GetAtt": [ids.pool, "ProviderName"] },
            ServerSideTokenCheck: true,
          },
        ],
      });
      const attachment = onlyResource(template, "AWS::Cognito::IdentityPoolRoleAttachment").Properties;
      expect(attachment.IdentityPoolId).toEqual({ Ref: ids.identityPool });
      expect(attachment.Roles).toBeUndefined();
      expect(renderDeep(attachment.RoleMappings)).toEqual({
        console: {
          IdentityProvider: `<${ids.pool}.ProviderName>:<${ids.client}>`,
          Type: "Token",
          AmbiguousRoleResolution: "Deny",
        },
      });
    });

    it("lets each role be assumed only through this identity pool, by an authenticated identity", () => {
      for (const level of LEVELS) {
        const role = roleOf(level);
        expect(role.AssumeRolePolicyDocument.Statement).toEqual([
          {
            Action: "sts:AssumeRoleWithWebIdentity",
            Effect: "Allow",
            Principal: { Federated: "cognito-identity.amazonaws.com" },
            Condition: {
              StringEquals: { "cognito-identity.amazonaws.com:aud": { Ref: ids.identityPool } },
              "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
            },
          },
        ]);
        expect(role.Policies).toBeUndefined();
      }
    });

    describe("each group's role may call exactly its level's routes", () => {
      const requestArn = (route: string) => {
        const [method, path] = route.split(" ") as [string, string];
        return `arn:<AWS::Partition>:execute-api:${REGION}:<AWS::AccountId>:<${ids.api}>/$default/${method}${path.replace(/\{\w+\}/g, "oven-3")}`;
      };
      const decisions = (level: Level) =>
        Object.fromEntries(
          OPERATOR_ROUTES.map((route) => [
            route,
            allowsAction(statementsOfRole(level), "execute-api:Invoke", requestArn(route)),
          ]),
        );
      const expected = (allowed: (method: string, path: string) => boolean) =>
        Object.fromEntries(
          OPERATOR_ROUTES.map((route) => {
            const [method, path] = route.split(" ") as [string, string];
            return [route, allowed(method, path)];
          }),
        );

      it("viewer: every GET, and no write at all", () => {
        expect(decisions("viewer")).toEqual(expected((method) => method === "GET"));
      });

      it("operator: also alarm actions and silences, not rules", () => {
        expect(decisions("operator")).toEqual(
          expected((method, path) => method === "GET" || !path.startsWith("/rules")),
        );
      });

      it("admin: every route", () => {
        expect(decisions("admin")).toEqual(expected(() => true));
      });

      it("through the same managed policy CLI users get", () => {
        const access = built.stack.operatorAccess.policies;
        for (const level of LEVELS) {
          expect(roleOf(level).ManagedPolicyArns).toEqual([{ Ref: logicalIdOf(access[level]) }]);
        }
      });
    });
  });

  describe("who acted: the person, not the group role's session", () => {
    const directory = () => {
      if (!built.stack.operatorDirectory) throw new Error("the console is enabled by default");
      return built.stack.operatorDirectory;
    };
    const functionOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
      resource(template, "AWS::Lambda::Function", logicalIdOf(construct));
    const roleIdOf = (construct: Parameters<typeof logicalIdOf>[0]) =>
      functionOf(construct).Properties.Role["Fn::GetAtt"][0] as string;

    it("records every sign-in in the operator directory, from a trigger outside any VPC that may only put items", () => {
      const pool = resource(template, "AWS::Cognito::UserPool", ids.pool);
      expect(pool.Properties.LambdaConfig).toEqual({
        PostAuthentication: { "Fn::GetAtt": [logicalIdOf(directory().trigger), "Arn"] },
      });
      const trigger = functionOf(directory().trigger);
      expect(trigger.Properties.VpcConfig).toBeUndefined();
      expect(trigger.Properties.Environment.Variables.OPERATORS_TABLE).toEqual({
        Ref: logicalIdOf(directory().table),
      });
      expect(readable(roleStatements(template, roleIdOf(directory().trigger)))).toEqual([
        expect.objectContaining({ sid: "WriteOwnLogGroup" }),
        {
          sid: "RecordConsoleUsers",
          actions: ["dynamodb:PutItem"],
          resources: [`<${logicalIdOf(directory().table)}.Arn>`],
        },
        expect.objectContaining({ sid: "UseDeploymentKeyThroughItsStores" }),
      ]);
    });

    it("lets the API only read the directory, and tells it where", () => {
      const api = functionOf(built.stack.apiFunction.function);
      expect(api.Properties.Environment.Variables.OPERATORS_TABLE).toEqual({
        Ref: logicalIdOf(directory().table),
      });
      const reads = readable(roleStatements(template, roleIdOf(built.stack.apiFunction.function))).filter(
        (statement) => statement.resources.some((arn) => arn.includes(logicalIdOf(directory().table))),
      );
      expect(reads).toEqual([
        {
          sid: "ReadConsoleUsers",
          actions: ["dynamodb:GetItem"],
          resources: [`<${logicalIdOf(directory().table)}.Arn>`],
        },
      ]);
    });
  });

  it("publishes the console's URL and sign-in settings", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = (name: keyof typeof STACK_OUTPUTS) => render(outputs[STACK_OUTPUTS[name].key]?.Value);
    expect({
      url: value("consoleUrl"),
      pool: value("consoleUserPoolId"),
      client: value("consoleUserPoolClientId"),
      identityPool: value("consoleIdentityPoolId"),
      signIn: value("consoleSignInDomain"),
    }).toEqual({
      url: consoleUrl(),
      pool: `<${ids.pool}>`,
      client: `<${ids.client}>`,
      identityPool: `<${ids.identityPool}>`,
      signIn: `https://<${ids.domain}>.auth.${REGION}.amazoncognito.com`,
    });
  });

  function roleOf(level: Level) {
    return resource(template, "AWS::IAM::Role", logicalIdOf(signIn().roles[level])).Properties;
  }

  function statementsOfRole(level: Level): Statement[] {
    return (roleOf(level).ManagedPolicyArns as { Ref: string }[]).flatMap(
      ({ Ref }) => resource(template, "AWS::IAM::ManagedPolicy", Ref).Properties.PolicyDocument.Statement,
    );
  }

  function assetDirectory(objectKey: string): string {
    return join(outdir, `asset.${objectKey.replace(/\.zip$/, "")}`);
  }
});

describe("the console with a domain of its own and MFA required", () => {
  let built: PlantwatchApp;
  let template: Template;

  beforeAll(() => {
    built = buildApp({
      context: cdkJsonContext({ "aws:cdk:bundling-stacks": [] }),
      outdir: tempOutdir("console-domain"),
      overrides: {
        console: {
          domainName: "console.plant.example.com",
          certificateArn: CERTIFICATE_ARN,
          mfa: "required",
        },
        alarms: { notify: { consoleUrl: "https://links.example.com/" } },
      },
      nag: false,
    });
    template = Template.fromStack(built.stack);
  });

  it("serves the domain with its certificate, TLS 1.2 at least, and redirects sign-in there", () => {
    const config = onlyResource(template, "AWS::CloudFront::Distribution").Properties.DistributionConfig;
    expect(config.Aliases).toEqual(["console.plant.example.com"]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE_ARN,
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    const client = onlyResource(template, "AWS::Cognito::UserPoolClient").Properties;
    expect(client.CallbackURLs).toEqual(["https://console.plant.example.com/"]);
    expect(template.toJSON().Outputs[STACK_OUTPUTS.consoleUrl.key].Value).toBe(
      "https://console.plant.example.com",
    );
  });

  it("requires MFA", () => {
    expect(onlyResource(template, "AWS::Cognito::UserPool").Properties.MfaConfiguration).toBe("ON");
  });

  it("keeps a configured link base for notifications", () => {
    const notify = resource(template, "AWS::Lambda::Function", logicalIdOf(built.stack.notify.function));
    expect(notify.Properties.Environment.Variables.CONSOLE_URL).toBe("https://links.example.com/");
  });
});

describe("the console disabled", () => {
  it("creates no distribution, bucket, user pool or identity pool, and no console output", () => {
    const built = buildApp({
      context: cdkJsonContext({ "aws:cdk:bundling-stacks": [] }),
      outdir: tempOutdir("console-off"),
      overrides: { console: { enabled: false } },
      nag: false,
    });
    const template = Template.fromStack(built.stack);
    for (const type of [
      "AWS::CloudFront::Distribution",
      "AWS::Cognito::UserPool",
      "AWS::Cognito::IdentityPool",
      "Custom::CDKBucketDeployment",
    ]) {
      template.resourceCountIs(type, 0);
    }
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs.filter((key) => key.startsWith("Console"))).toEqual([]);
    const notify = resource(template, "AWS::Lambda::Function", logicalIdOf(built.stack.notify.function));
    expect(notify.Properties.Environment.Variables).not.toHaveProperty("CONSOLE_URL");
    expect(built.stack.operatorDirectory).toBeUndefined();
    const api = resource(template, "AWS::Lambda::Function", logicalIdOf(built.stack.apiFunction.function));
    expect(api.Properties.Environment.Variables).not.toHaveProperty("OPERATORS_TABLE");
  });
});

function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}
