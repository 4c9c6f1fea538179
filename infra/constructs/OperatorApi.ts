import type { RemovalPolicy } from "aws-cdk-lib";
import { AccessLogField, AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { OPERATOR_ROUTES } from "../../shared/contracts/operatorApi.ts";

export interface OperatorApiProps {
  /** Serves every route. */
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second of the stage (all routes together). */
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Encrypts the access log group. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The operator HTTP API (C7): an API Gateway HTTP API with exactly the routes of `OPERATOR_ROUTES`
 * (no catch-all, so an unknown path is refused by API Gateway before it costs an invocation), each
 * authorised with IAM (callers sign with SigV4 and need execute-api:Invoke on the route), all
 * integrated with the api function (payload format 2.0). One auto-deployed `$default` stage, throttled
 * as configured, with JSON access logs (caller ARN, route, status, latency) in a log group encrypted
 * with the deployment key.
 */
export class OperatorApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly routes: readonly apigwv2.HttpRoute[];

  /**
   * Lets the hosted console's pages call the API from their origin: API Gateway answers the
   * preflight itself (no route, no authorisation) and adds the CORS headers to every answer; each
   * request itself is still IAM-authorised. Set after construction, as the console is built later.
   */
  allowBrowserOrigin(origin: string): void {
    (this.api.node.defaultChild as apigwv2.CfnApi).corsConfiguration = {
      allowOrigins: [origin],
      allowMethods: ["GET", "POST", "PUT", "DELETE"],
      // What SigV4 adds to a request, and the JSON body's type.
      allowHeaders: [
        "authorization",
        "content-type",
        "x-amz-content-sha256",
        "x-amz-date",
        "x-amz-security-token",
      ],
      maxAge: 600,
    };
  }

  constructor(scope: Construct, id: string, props: OperatorApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, "Api", {
      description: "plantwatch operator API (C7), IAM-authorised",
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration("Handler", props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    this.routes = OPERATOR_ROUTES.flatMap((route) => {
      const [method, path] = route.split(" ") as [keyof typeof apigwv2.HttpMethod, string];
      return this.api.addRoutes({ path, methods: [apigwv2.HttpMethod[method]], integration });
    });

    this.accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new apigwv2.HttpStage(this, "DefaultStage", {
      httpApi: this.api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit, burstLimit: props.throttlingBurstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            caller: AccessLogField.contextIdentityUserArn(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            routeKey: AccessLogField.contextRouteKey(),
            path: AccessLogField.contextPath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            latencyMs: AccessLogField.contextResponseLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
            error: AccessLogField.contextErrorMessage(),
          }),
        ),
      },
    });
  }

  /** The stage URL (ends with `/`): requests go to `${url}devices`, and so on. */
  get url(): string {
    return this.stage.url;
  }
}
