import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type PlantwatchApp } from "../../../infra/app.ts";
import { STACK_OUTPUTS, stackOutputsOf } from "../../../infra/stackOutputs.ts";
import { cdkJsonContext, removeTempOutdirs, tempOutdir } from "../support/cdkContext.ts";
import { logicalIdOf, readable, render, renderDeep, roleStatements } from "../support/cfn.ts";

afterAll(removeTempOutdirs);

/** Bundling is skipped: these tests read the template only. */
function synthesize(overrides?: unknown): { built: PlantwatchApp; template: Template } {
  const built = buildApp({
    context: cdkJsonContext({ "aws:cdk:bundling-stacks": [] }),
    outdir: tempOutdir("influx"),
    overrides,
    nag: false,
  });
  return { built, template: Template.fromStack(built.stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
const resourcesOf = (template: Template) => template.toJSON().Resources as Resources;

/** The Lambda function whose Powertools service name is `service`, with its logical id. */
function functionOf(template: Template, service: string) {
  const found = Object.entries(resourcesOf(template)).find(
    ([, resource]) =>
      resource.Type === "AWS::Lambda::Function" &&
      (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
        ?.POWERTOOLS_SERVICE_NAME === service,
  );
  if (!found) throw new Error(`no function ${service}`);
  const [id, resource] = found;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON
  return { id, resource, props: resource.Properties as Record<string, any> };
}

const roleOf = (template: Template, service: string) =>
  (functionOf(template, service).props.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];

const ENI_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
];

describe("the default deployment: series on Timestream for InfluxDB", () => {
  let built: PlantwatchApp;
  let template: Template;
  let ids: Record<
    "instance" | "key" | "accessLogs" | "vpc" | "instanceSg" | "clientsSg" | "token" | "admin",
    string
  >;

  beforeAll(() => {
    ({ built, template } = synthesize());
    const store = built.stack.influxStore;
    if (!store) throw new Error("the default deployment has no InfluxDB store");
    ids = {
      instance: logicalIdOf(store.instance),
      key: logicalIdOf(built.stack.encryptionKey.key),
      accessLogs: logicalIdOf(built.stack.accessLogs.bucket),
      vpc: logicalIdOf(store.network.vpc),
      instanceSg: logicalIdOf(store.network.instanceSecurityGroup),
      clientsSg: logicalIdOf(store.network.clientsSecurityGroup),
      token: logicalIdOf(store.token.secret),
      admin: logicalIdOf(store.adminPassword),
    };
  });

  it("has one private InfluxDB 2 instance as configured, retained by default", () => {
    const instances = template.findResources("AWS::Timestream::InfluxDBInstance");
    expect(Object.keys(instances)).toEqual([ids.instance]);
    const instance = instances[ids.instance];
    expect(instance).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    expect(instance?.Properties).toMatchObject({
      Name: "plantwatch-dev",
      DbInstanceType: "db.influx.medium",
      AllocatedStorage: 20,
      DbStorageType: "InfluxIOIncludedT1",
      DeploymentType: "SINGLE_AZ",
      PubliclyAccessible: false,
      Port: 8086,
      Organization: "plantwatch",
      Bucket: "telemetry",
      Username: "plantwatch",
      VpcSecurityGroupIds: [{ "Fn::GetAtt": [ids.instanceSg, "GroupId"] }],
    });
    const isolated = built.stack.influxStore?.network.vpc.isolatedSubnets.map((subnet) =>
      logicalIdOf(subnet),
    );
    expect(instance?.Properties.VpcSubnetIds).toEqual(isolated?.map((id) => ({ Ref: id })));
    expect(isolated).toHaveLength(2);
  });

  it("seeds the admin password from a generated secret by dynamic reference, never in the template", () => {
    const instance = template.findResources("AWS::Timestream::InfluxDBInstance")[ids.instance];
    expect(render(instance?.Properties.Password)).toBe(
      `{{resolve:secretsmanager:<${ids.admin}>:SecretString:::}}`,
    );
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true, IncludeSpace: false },
      KmsKeyId: { "Fn::GetAtt": [ids.key, "Arn"] },
    });
  });

  it("delivers the engine's logs to the access-log bucket, which admits the service after its policy exists", () => {
    const instance = template.findResources("AWS::Timestream::InfluxDBInstance")[ids.instance];
    expect(instance?.Properties.LogDeliveryConfiguration).toEqual({
      S3Configuration: { BucketName: { Ref: ids.accessLogs }, Enabled: true },
    });
    const policies = Object.entries(template.findResources("AWS::S3::BucketPolicy")).filter(
      ([, policy]) => policy.Properties.Bucket.Ref === ids.accessLogs,
    );
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] ?? [];
    const statement = ((policy?.Properties.PolicyDocument.Statement ?? []) as Record<string, unknown>[]).find(
      (candidate) => candidate.Sid === "TimestreamInfluxDbLogDelivery",
    );
    expect(renderDeep(statement)).toEqual({
      Sid: "TimestreamInfluxDbLogDelivery",
      Effect: "Allow",
      Principal: { Service: "timestream-influxdb.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `<${ids.accessLogs}.Arn>/InfluxLogs/*`,
    });
    expect(instance?.DependsOn).toContain(policyId);
  });

  it("builds its own VPC: 2 AZs, isolated subnets only, no NAT or internet gateway, flow logs to S3", () => {
    template.resourceCountIs("AWS::EC2::VPC", 1);
    template.resourceCountIs("AWS::EC2::Subnet", 2);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::EC2::InternetGateway", 0);
    template.resourceCountIs("AWS::EC2::EIP", 0);
    template.allResourcesProperties("AWS::EC2::Subnet", { MapPublicIpOnLaunch: false });
    template.hasResourceProperties("AWS::EC2::FlowLog", {
      ResourceId: { Ref: ids.vpc },
      ResourceType: "VPC",
      TrafficType: "ALL",
      LogDestinationType: "s3",
    });
  });

  it("admits TCP 8086 to the instance only from the series clients' security group", () => {
    const ingress = Object.values(template.findResources("AWS::EC2::SecurityGroupIngress")).filter(
      (rule) => rule.Properties.GroupId["Fn::GetAtt"]?.[0] === ids.instanceSg,
    );
    expect(ingress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: "tcp",
        FromPort: 8086,
        ToPort: 8086,
        SourceSecurityGroupId: { "Fn::GetAtt": [ids.clientsSg, "GroupId"] },
      }),
    ]);
    const instanceSg = template.findResources("AWS::EC2::SecurityGroup")[ids.instanceSg];
    expect(instanceSg?.Properties.SecurityGroupIngress).toBeUndefined();
    // CDK's marker for "no outbound": a rule that matches no traffic.
    expect(instanceSg?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "255.255.255.255/32", IpProtocol: "icmp" }),
    ]);
  });

  it("lets the series clients out to InfluxDB and to HTTPS (only the endpoints are routable)", () => {
    const clients = template.findResources("AWS::EC2::SecurityGroup")[ids.clientsSg];
    expect(clients?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: "0.0.0.0/0", IpProtocol: "tcp", FromPort: 443, ToPort: 443 }),
    ]);
    const egress = Object.values(template.findResources("AWS::EC2::SecurityGroupEgress")).map(
      (rule) => rule.Properties,
    );
    const endpointSgs = (built.stack.influxStore?.network.interfaceEndpoints ?? []).map((endpoint) =>
      logicalIdOf(endpoint.connections.securityGroups[0] as never),
    );
    expect(egress).toEqual([
      expect.objectContaining({
        GroupId: { "Fn::GetAtt": [ids.clientsSg, "GroupId"] },
        IpProtocol: "tcp",
        FromPort: 8086,
        DestinationSecurityGroupId: { "Fn::GetAtt": [ids.instanceSg, "GroupId"] },
      }),
      ...endpointSgs.map((sgId) =>
        expect.objectContaining({
          GroupId: { "Fn::GetAtt": [ids.clientsSg, "GroupId"] },
          FromPort: 443,
          DestinationSecurityGroupId: { "Fn::GetAtt": [sgId, "GroupId"] },
        }),
      ),
    ]);
    expect(endpointSgs).toHaveLength(2);
  });

  it("has gateway endpoints for DynamoDB and S3 and interface endpoints for Secrets Manager and EventBridge only", () => {
    const endpoints = Object.values(template.findResources("AWS::EC2::VPCEndpoint")).map(
      ({ Properties }) => ({
        service: render(Properties.ServiceName).replace(/^com\.amazonaws\.<AWS::Region>\./, ""),
        type: Properties.VpcEndpointType,
        privateDns: Properties.PrivateDnsEnabled,
      }),
    );
    expect(endpoints.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
      { service: "dynamodb", type: "Gateway", privateDns: undefined },
      { service: "events", type: "Interface", privateDns: true },
      { service: "s3", type: "Gateway", privateDns: undefined },
      { service: "secretsmanager", type: "Interface", privateDns: true },
    ]);
  });

  it("in stream mode reaches the telemetry stream instead of EventBridge (the api's alarm actions travel the stream)", () => {
    const stream = synthesize({ ingestion: { mode: "stream" } }).template;
    const services = Object.values(stream.findResources("AWS::EC2::VPCEndpoint"))
      .filter(({ Properties }) => Properties.VpcEndpointType === "Interface")
      .map(({ Properties }) => render(Properties.ServiceName).replace(/^com\.amazonaws\.<AWS::Region>\./, ""))
      .sort();
    expect(services).toEqual(["kinesis-streams", "secretsmanager"]);
  });

  it("admits HTTPS to the interface endpoints only from the series clients", () => {
    const interfaceSgs = Object.values(template.findResources("AWS::EC2::VPCEndpoint"))
      .filter(({ Properties }) => Properties.VpcEndpointType === "Interface")
      .map(({ Properties }) => Properties.SecurityGroupIds[0]["Fn::GetAtt"][0] as string);
    for (const sgId of interfaceSgs) {
      const sg = template.findResources("AWS::EC2::SecurityGroup")[sgId];
      expect(sg?.Properties.SecurityGroupIngress).toBeUndefined();
      const ingress = Object.values(template.findResources("AWS::EC2::SecurityGroupIngress"))
        .filter((rule) => rule.Properties.GroupId["Fn::GetAtt"]?.[0] === sgId)
        .map((rule) => rule.Properties);
      expect(ingress).toEqual([
        expect.objectContaining({
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: { "Fn::GetAtt": [ids.clientsSg, "GroupId"] },
        }),
      ]);
    }
    expect(interfaceSgs).toHaveLength(2);
  });

  it("creates the bucket's token with the custom resource, from the instance's endpoint and admin secret", () => {
    const tokens = template.findResources("Custom::InfluxToken");
    expect(Object.keys(tokens)).toHaveLength(1);
    const { Properties } = Object.values(tokens)[0] ?? {};
    expect(renderDeep(Properties)).toEqual({
      ServiceToken: expect.any(String),
      Url: `https://<${ids.instance}.Endpoint>:8086`,
      AdminSecretArn: `<${ids.instance}.InfluxAuthParametersSecretArn>`,
      TokenSecretArn: `<${ids.token}>`,
      Organization: "plantwatch",
      Bucket: "telemetry",
      RetentionSeconds: String(365 * 86_400),
    });
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      Description: Match.stringLikeRegexp("InfluxDB token"),
      KmsKeyId: { "Fn::GetAtt": [ids.key, "Arn"] },
    });
  });

  it("runs the token function in the VPC as a series client, with exactly the secrets it uses", () => {
    const { props } = functionOf(template, "influx-token");
    expect(props.Timeout).toBe(300);
    expect(props.VpcConfig.SecurityGroupIds).toEqual([{ "Fn::GetAtt": [ids.clientsSg, "GroupId"] }]);
    const statements = readable(roleStatements(template, roleOf(template, "influx-token")));
    expect(statements.map(({ sid }) => sid)).toEqual([
      "WriteOwnLogGroup",
      "ManageVpcNetworkInterfaces",
      "ReadInfluxAdminCredentials",
      "WriteSeriesToken",
      "UseDeploymentKeyThroughItsStores",
    ]);
    expect(statements.slice(1)).toEqual([
      { sid: "ManageVpcNetworkInterfaces", actions: ENI_ACTIONS, resources: ["*"] },
      {
        sid: "ReadInfluxAdminCredentials",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [`<${ids.instance}.InfluxAuthParametersSecretArn>`],
      },
      { sid: "WriteSeriesToken", actions: ["secretsmanager:PutSecretValue"], resources: [`<${ids.token}>`] },
      {
        sid: "UseDeploymentKeyThroughItsStores",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [`<${ids.key}.Arn>`],
        condition: { StringEquals: { "kms:ViaService": ["secretsmanager.<AWS::Region>.amazonaws.com"] } },
      },
    ]);
  });

  it.each(["ingest", "api"])(
    "puts %s in the VPC with the clients' group, after the token exists",
    (service) => {
      const { id, props, resource } = functionOf(template, service);
      expect(props.VpcConfig).toEqual({
        SecurityGroupIds: [{ "Fn::GetAtt": [ids.clientsSg, "GroupId"] }],
        SubnetIds: built.stack.influxStore?.network.vpc.isolatedSubnets.map((subnet) => ({
          Ref: logicalIdOf(subnet),
        })),
      });
      const tokenResource = Object.keys(template.findResources("Custom::InfluxToken"))[0];
      expect(resource.DependsOn).toContain(tokenResource);
      expect(id).toBeTruthy();
    },
  );

  it.each(["ingest", "api"])(
    "gives %s the endpoint, bucket and token secret, and no Timestream names",
    (service) => {
      const variables = functionOf(template, service).props.Environment.Variables;
      expect(renderDeep(variables)).toMatchObject({
        INFLUX_URL: `https://<${ids.instance}.Endpoint>:8086`,
        INFLUX_BUCKET: "telemetry",
        INFLUX_TOKEN_SECRET_ARN: `<${ids.token}>`,
      });
      expect(Object.keys(variables).filter((name) => name.startsWith("TIMESTREAM_"))).toEqual([]);
    },
  );

  it("quarantines samples older than the bucket's retention", () => {
    expect(functionOf(template, "ingest").props.Environment.Variables.MAX_SAMPLE_AGE_MS).toBe(
      String(365 * 86_400_000),
    );
    expect(functionOf(template, "evaluate").props.Environment.Variables.MAX_SAMPLE_AGE_MS).toBe(
      String(365 * 86_400_000),
    );
  });

  it.each(["ingest", "api"])(
    "lets %s read the token secret only, decrypting through Secrets Manager",
    (service) => {
      const statements = readable(roleStatements(template, roleOf(template, service)));
      expect(statements).toEqual(
        expect.arrayContaining([
          { sid: "ManageVpcNetworkInterfaces", actions: ENI_ACTIONS, resources: ["*"] },
          {
            sid: "ReadSeriesToken",
            actions: ["secretsmanager:GetSecretValue"],
            resources: [`<${ids.token}>`],
          },
          {
            sid: "DecryptSeriesTokenThroughSecretsManager",
            actions: ["kms:Decrypt"],
            resources: [`<${ids.key}.Arn>`],
            condition: { StringEquals: { "kms:ViaService": "secretsmanager.<AWS::Region>.amazonaws.com" } },
          },
        ]),
      );
      expect(
        statements.flatMap(({ actions }) => actions).filter((action) => action.startsWith("timestream:")),
      ).toEqual([]);
      expect(statements.filter(({ resources }) => resources.includes("*")).map(({ sid }) => sid)).toEqual([
        "ManageVpcNetworkInterfaces",
      ]);
    },
  );

  it.each(["evaluate", "sweep", "notify"])(
    "keeps %s outside the VPC (it never touches the series)",
    (service) => {
      const { props } = functionOf(template, service);
      expect(props.VpcConfig).toBeUndefined();
      const actions = readable(roleStatements(template, roleOf(template, service))).flatMap(
        ({ actions }) => actions,
      );
      expect(
        actions.filter((action) => action.startsWith("ec2:") || action.startsWith("secretsmanager:")),
      ).toEqual([]);
    },
  );

  it("has no Timestream for LiveAnalytics database or table", () => {
    template.resourceCountIs("AWS::Timestream::Database", 0);
    template.resourceCountIs("AWS::Timestream::Table", 0);
  });

  it("publishes the InfluxDB outputs and none of the LiveAnalytics ones", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(render(outputs[STACK_OUTPUTS.influxUrl.key]?.Value)).toBe(
      `https://<${ids.instance}.Endpoint>:8086`,
    );
    expect(outputs[STACK_OUTPUTS.influxBucket.key]?.Value).toBe("telemetry");
    expect(outputs[STACK_OUTPUTS.influxTokenSecretArn.key]?.Value).toEqual({ Ref: ids.token });
    expect(outputs[STACK_OUTPUTS.timestreamDatabase.key]).toBeUndefined();
    expect(outputs[STACK_OUTPUTS.timestreamTable.key]).toBeUndefined();
    expect(Object.keys(outputs).sort()).toEqual(
      stackOutputsOf("influxdb")
        .map((name) => STACK_OUTPUTS[name].key)
        .sort(),
    );
  });
});

describe("series.store liveanalytics", () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthesize({ series: { store: "liveanalytics" } }));
  });

  it("has the Timestream database and table, and nothing of the InfluxDB store", () => {
    template.resourceCountIs("AWS::Timestream::Database", 1);
    template.resourceCountIs("AWS::Timestream::Table", 1);
    for (const type of [
      "AWS::Timestream::InfluxDBInstance",
      "AWS::EC2::VPC",
      "AWS::EC2::VPCEndpoint",
      "AWS::EC2::SecurityGroup",
      "AWS::EC2::FlowLog",
      "AWS::SecretsManager::Secret",
      "Custom::InfluxToken",
    ]) {
      template.resourceCountIs(type, 0);
    }
  });

  it("runs no function in a VPC and grants no ENI or secret access", () => {
    const functions = Object.values(template.findResources("AWS::Lambda::Function"));
    // Plantwatch's five, the console's sign-in trigger, and CDK's that copies the console's files.
    expect(functions).toHaveLength(7);
    expect(functions.filter(({ Properties }) => Properties.VpcConfig !== undefined)).toEqual([]);
    const actions = Object.values(template.findResources("AWS::IAM::Policy")).flatMap(({ Properties }) =>
      (Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(
        ({ Action }) => Action,
      ),
    );
    expect(
      actions.filter((action) => action.startsWith("ec2:") || action.startsWith("secretsmanager:")),
    ).toEqual([]);
  });

  it("gives ingest the table's names and quarantines by the table's retention", () => {
    const variables = functionOf(template, "ingest").props.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(["TIMESTREAM_DATABASE", "TIMESTREAM_TABLE"]),
    );
    expect(Object.keys(variables).filter((name) => name.startsWith("INFLUX_"))).toEqual([]);
    expect(variables.MAX_SAMPLE_AGE_MS).toBe(String((24 * 3600 + 365 * 86_400) * 1000));
  });

  it("publishes the Timestream outputs and none of the InfluxDB ones", () => {
    const outputs = Object.keys(template.toJSON().Outputs as object).sort();
    expect(outputs).toEqual(
      stackOutputsOf("liveanalytics")
        .map((name) => STACK_OUTPUTS[name].key)
        .sort(),
    );
    expect(outputs).toContain(STACK_OUTPUTS.timestreamDatabase.key);
    expect(outputs).not.toContain(STACK_OUTPUTS.influxUrl.key);
  });
});

describe("InfluxDB settings from the configuration", () => {
  it("takes class, storage and a Multi-AZ standby from series.influxdb", () => {
    const { template } = synthesize({
      series: {
        influxdb: {
          instanceClass: "db.influx.large",
          storageGiB: 400,
          storageType: "InfluxIOIncludedT2",
          deployment: "multi-az",
          retentionDays: 90,
        },
      },
      removalPolicy: "destroy",
    });
    const [instance] = Object.values(template.findResources("AWS::Timestream::InfluxDBInstance"));
    expect(instance).toMatchObject({ DeletionPolicy: "Delete" });
    expect(instance?.Properties).toMatchObject({
      DbInstanceType: "db.influx.large",
      AllocatedStorage: 400,
      DbStorageType: "InfluxIOIncludedT2",
      DeploymentType: "WITH_MULTIAZ_STANDBY",
    });
    const [token] = Object.values(template.findResources("Custom::InfluxToken"));
    expect(token?.Properties.RetentionSeconds).toBe(String(90 * 86_400));
    expect(functionOf(template, "ingest").props.Environment.Variables.MAX_SAMPLE_AGE_MS).toBe(
      String(90 * 86_400_000),
    );
  });

  it("uses an existing VPC by its attributes: no VPC or endpoints of its own, its subnets everywhere", () => {
    const subnetIds = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "subnet-0cccccccccccccccc"];
    const { template } = synthesize({
      series: {
        influxdb: {
          vpc: {
            vpcId: "vpc-0123456789abcdef0",
            subnetIds,
            availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
          },
        },
      },
    });
    for (const type of ["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::VPCEndpoint", "AWS::EC2::FlowLog"]) {
      template.resourceCountIs(type, 0);
    }
    template.allResourcesProperties("AWS::EC2::SecurityGroup", { VpcId: "vpc-0123456789abcdef0" });
    template.resourceCountIs("AWS::EC2::SecurityGroup", 2);
    const [instance] = Object.values(template.findResources("AWS::Timestream::InfluxDBInstance"));
    expect(instance?.Properties.VpcSubnetIds).toEqual(subnetIds);
    for (const service of ["ingest", "api", "influx-token"]) {
      expect(functionOf(template, service).props.VpcConfig.SubnetIds).toEqual(subnetIds);
    }
  });

  it("accepts an existing VPC without its zones (they are only needed for subnet selection, which is explicit)", () => {
    const subnetIds = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];
    const { template } = synthesize({
      series: { influxdb: { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds } } },
    });
    expect(functionOf(template, "ingest").props.VpcConfig.SubnetIds).toEqual(subnetIds);
  });
});
