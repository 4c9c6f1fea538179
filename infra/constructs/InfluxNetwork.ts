import { Annotations, Fn } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { FunctionPlacement } from "./SeriesStoreBinding.ts";

/** The port of InfluxDB 2 on Timestream for InfluxDB (HTTPS). */
export const INFLUX_PORT = 8086;

/** An existing VPC, by attributes: no lookup, so synth stays offline. */
export interface ExistingVpc {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** In the order of `subnetIds`. @default - unknown at synth */
  readonly availabilityZones?: readonly string[] | undefined;
}

export interface InfluxNetworkProps {
  /** @default - a VPC of its own: 2 AZs, isolated subnets only, no NAT, with endpoints */
  readonly existingVpc?: ExistingVpc | undefined;
  /** Own VPC only: where its flow logs go. */
  readonly flowLogBucket: s3.IBucket;
  /**
   * Where the api's alarm actions go: EventBridge (direct mode: the api writes the state and
   * publishes the event) or the telemetry stream (stream mode: the consumer applies them).
   */
  readonly alarmActionsVia: "eventbridge" | "kinesis";
}

/**
 * Who reaches InfluxDB, and how its clients reach AWS. The instance's security group admits TCP
 * 8086 only from one "series clients" group, which the functions that use the series carry (ingest,
 * api, the token custom resource). In its own VPC, which has no route out, those functions reach
 * exactly the AWS APIs they call: DynamoDB and S3 through gateway endpoints, Secrets Manager (the
 * token) and the api's alarm actions (EventBridge in direct mode, the telemetry stream in stream
 * mode) through interface endpoints with private DNS,
 * which admit HTTPS only from the clients group. Everything else the functions use is done by the
 * Lambda service outside the VPC: logs and EMF metrics, asynchronous on-failure destinations (SQS),
 * and stream polling (Kinesis).
 */
export class InfluxNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly subnetIds: readonly string[];
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly clientsSecurityGroup: ec2.SecurityGroup;
  /** Own VPC only: the interface endpoints, by service. */
  readonly interfaceEndpoints: readonly ec2.InterfaceVpcEndpoint[];
  readonly clientPlacement: FunctionPlacement;

  constructor(scope: Construct, id: string, props: InfluxNetworkProps) {
    super(scope, id);
    const existing = props.existingVpc;
    if (existing) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, "Vpc", {
        vpcId: existing.vpcId,
        // Only the subnets below are used, so unknown zones may stay the region's (a list token).
        availabilityZones: existing.availabilityZones ? [...existing.availabilityZones] : Fn.getAzs(),
      });
      Annotations.of(this.vpc).acknowledgeWarning(
        "@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones",
        "subnets are always selected explicitly (subnetIds), never by zone from this VPC object",
      );
      const subnets = existing.subnetIds.map((subnetId, index) => {
        const subnet = ec2.Subnet.fromSubnetAttributes(this, `Subnet${index + 1}`, {
          subnetId,
          ...(existing.availabilityZones && { availabilityZone: existing.availabilityZones[index] }),
        });
        Annotations.of(subnet).acknowledgeWarning(
          "@aws-cdk/aws-ec2:noSubnetRouteTableId",
          "plantwatch adds no routes or gateway endpoints to a VPC it does not own: the route table is never used",
        );
        return subnet;
      });
      this.subnets = { subnets };
      this.subnetIds = [...existing.subnetIds];
    } else {
      const vpc = new ec2.Vpc(this, "Vpc", {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: "series", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
        flowLogs: {
          ToAccessLogs: {
            destination: ec2.FlowLogDestination.toS3(props.flowLogBucket, "vpc-flow-logs/"),
            trafficType: ec2.FlowLogTrafficType.ALL,
          },
        },
      });
      this.vpc = vpc;
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      this.subnetIds = vpc.isolatedSubnets.map((subnet) => subnet.subnetId);
    }

    this.clientsSecurityGroup = new ec2.SecurityGroup(this, "ClientsSecurityGroup", {
      vpc: this.vpc,
      description: "plantwatch series clients (ingest, api, token resource): to InfluxDB and AWS APIs",
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, "InstanceSecurityGroup", {
      vpc: this.vpc,
      description: `plantwatch InfluxDB: TCP ${INFLUX_PORT} from the series clients only`,
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup.addIngressRule(
      this.clientsSecurityGroup,
      ec2.Port.tcp(INFLUX_PORT),
      "InfluxDB HTTPS from the series clients",
    );
    this.clientsSecurityGroup.addEgressRule(
      this.instanceSecurityGroup,
      ec2.Port.tcp(INFLUX_PORT),
      "InfluxDB HTTPS",
    );
    // Gateway endpoints are reached through prefix lists; in the own VPC, with no route out, 443
    // reaches nothing but the endpoints. In an existing VPC it is whatever that VPC routes to.
    this.clientsSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      "HTTPS to the AWS APIs the clients call",
    );

    this.interfaceEndpoints = [];
    if (!existing) {
      const vpc = this.vpc as ec2.Vpc;
      vpc.addGatewayEndpoint("DynamoDb", { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
      vpc.addGatewayEndpoint("S3", { service: ec2.GatewayVpcEndpointAwsService.S3 });
      const endpoint = (endpointId: string, service: ec2.InterfaceVpcEndpointAwsService) => {
        const created = vpc.addInterfaceEndpoint(endpointId, {
          service,
          privateDnsEnabled: true,
          subnets: this.subnets,
          open: false,
        });
        created.connections.allowDefaultPortFrom(this.clientsSecurityGroup, "HTTPS from the series clients");
        return created;
      };
      this.interfaceEndpoints = [
        endpoint("SecretsManager", ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER),
        props.alarmActionsVia === "kinesis"
          ? endpoint("KinesisStreams", ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS)
          : endpoint("EventBridge", ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE),
      ];
    }

    this.clientPlacement = {
      vpc: this.vpc,
      subnets: this.subnets,
      securityGroups: [this.clientsSecurityGroup],
    };
  }
}
