import { AssetHashType, DockerImage, Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { DEFAULT_DASHBOARD_DIRECTORY, writeDashboardAssets } from "../../local/httpDashboard.ts";
import { CONSOLE_CONFIG_PATH, type ConsoleConfig } from "../../shared/contracts/consoleConfig.ts";

/**
 * Viewer requests for a path without a file extension (`/alarms/oven-overheat:oven-3`) get the page:
 * the dashboard routes them in the browser. S3 behind origin access control answers a missing key
 * with 403, so rewriting the request is the only way to tell a deep link from a missing file. No
 * route segment has a dot: alarm ids are a rule id and a thing name, neither of which may hold one.
 */
export const DEEP_LINK_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}`;

/**
 * The console's Content-Security-Policy: its own scripts and styles only, and calls to the API,
 * managed login and Cognito only. Exported so the browser tests serve the page under the very policy.
 */
export function consoleContentSecurityPolicy(sources: {
  readonly region: string;
  readonly signInUrl: string;
  readonly apiOrigin: string;
}): string {
  const cognitoEndpoints = [
    `https://cognito-identity.${sources.region}.amazonaws.com`,
    `https://cognito-idp.${sources.region}.amazonaws.com`,
  ];
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ${[sources.apiOrigin, sources.signInUrl, ...cognitoEndpoints].join(" ")}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${sources.signInUrl}`,
  ].join("; ");
}

export interface ConsoleCustomDomain {
  readonly domainName: string;
  /** An ACM certificate in us-east-1 (CloudFront's region) covering `domainName`. */
  readonly certificateArn: string;
}

export interface ConsoleHostingProps {
  /** The managed-login domain (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly signInUrl: string;
  /** The region of the user pool and identity pool, whose endpoints the page calls. */
  readonly region: string;
  /** @default - the distribution's own `*.cloudfront.net` domain */
  readonly customDomain?: ConsoleCustomDomain;
  /** Receives the buckets' S3 server access logs. */
  readonly accessLogBucket: s3.IBucket;
  /** Encrypts the deployment function's log group. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** @default the repository's `dashboard/` */
  readonly dashboardDirectory?: string;
}

/**
 * The operator console on AWS: the dashboard's files in a private bucket (no public access, TLS
 * only, access-logged), served by CloudFront through origin access control, HTTPS only, with
 * security headers and a strict Content-Security-Policy (the page may talk to itself, the operator
 * API and Cognito, nothing else). `publish` deploys the files, the same bundle `npm start` serves,
 * with a `config.json` of the deployment's URLs and sign-in settings.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: s3.Bucket;
  /** CloudFront's standard logs (a bucket of their own: CloudFront delivers them with object ACLs). */
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly deepLinks: cloudfront.Function;
  /** `https://<custom domain or distribution domain>`, no trailing `/`. */
  readonly url: string;
  readonly customDomain?: ConsoleCustomDomain;
  readonly #props: ConsoleHostingProps;
  #deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    this.#props = props;
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: "console-bucket/",
      // The files are rebuilt from the repository on every deploy.
      removalPolicy: props.removalPolicy,
    });
    this.logBucket = new s3.Bucket(this, "CloudFrontLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: "console-cloudfront-logs/",
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: props.removalPolicy,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "plantwatch console: security headers and Content-Security-Policy",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleContentSecurityPolicy({
            region: props.region,
            signInUrl: props.signInUrl,
            // The API allows the console's origin (CORS), so the console cannot name the API's own
            // host without a reference cycle: any execute-api host of the region, which still needs
            // IAM to answer.
            apiOrigin: `https://*.execute-api.${props.region}.amazonaws.com`,
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });
    this.deepLinks = new cloudfront.Function(this, "DeepLinks", {
      comment: "plantwatch console: extension-less paths (client-side routes) get /index.html",
      code: cloudfront.FunctionCode.fromInline(DEEP_LINK_FUNCTION_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const domain = props.customDomain;
    if (domain) this.customDomain = domain;
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "plantwatch operator console",
      defaultRootObject: "index.html",
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        functionAssociations: [
          { function: this.deepLinks, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
        compress: true,
      },
      ...(domain && {
        domainNames: [domain.domainName],
        certificate: acm.Certificate.fromCertificateArn(this, "Certificate", domain.certificateArn),
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Europe and North America: the cheapest edge locations; others are served from them.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: "console/",
    });
    this.url = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
  }

  /**
   * Deploys the dashboard's files, bundled at synth exactly as the local stack bundles them, and
   * `config.json`; then has CloudFront drop its copies of the two files that change between
   * deployments without changing name.
   */
  publish(config: ConsoleConfig): s3deploy.BucketDeployment {
    if (this.#deployment) throw new Error("the console is published once per deployment");
    const directory = this.#props.dashboardDirectory ?? DEFAULT_DASHBOARD_DIRECTORY;
    const files = s3deploy.Source.asset(directory, {
      // The hash of what is deployed: the bundle also holds shared code from outside `directory`.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Never used: local bundling always succeeds or throws.
        image: DockerImage.fromRegistry("public.ecr.aws/docker/library/node:22-alpine"),
        local: {
          tryBundle(outputDir) {
            writeDashboardAssets(outputDir, directory);
            return true;
          },
        },
      },
    });
    this.#deployment = new s3deploy.BucketDeployment(this, "Files", {
      sources: [files, s3deploy.Source.jsonData(CONSOLE_CONFIG_PATH.slice(1), config)],
      destinationBucket: this.bucket,
      // `app.js` keeps its name across versions: browsers revalidate every file.
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ["/index.html", CONSOLE_CONFIG_PATH],
      logGroup: new logs.LogGroup(this, "DeploymentLogs", {
        retention: this.#props.logRetention,
        encryptionKey: this.#props.encryptionKey,
        removalPolicy: this.#props.removalPolicy,
      }),
    });
    return this.#deployment;
  }

  /** What `publish` made. */
  get deployment(): s3deploy.BucketDeployment | undefined {
    return this.#deployment;
  }
}
