import { assertRuleName, THING_NAME_PATTERN, telemetryTopic } from "../../shared/contracts/telemetryTopic.ts";
import type { DeviceEndpoint, DeviceTls } from "../../simulator/mqtt/mqttDevice.ts";
import { UsageError } from "../errors.ts";
import { type CliIo, readInput } from "../io.ts";
import { loadDeviceFolders } from "./loadDevices.ts";

/** Where the simulated devices come from and where they connect: the command's options, parsed. */
export interface FleetTargetOptions {
  readonly devices?: number;
  readonly from?: string;
  readonly prefix: string;
  readonly basicIngest?: boolean;
  readonly ruleName?: string;
  readonly topicRoot?: string;
  readonly endpoint?: string;
  readonly port?: number;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecurePlain?: boolean;
  readonly threshold?: number;
}

/** The local stack's defaults (DESIGN, "The embedded stack"): MQTT on 1883, mutual TLS on 8883. */
export const PLAIN_PORT = 1883;
export const TLS_PORT = 8883;
export const DEFAULT_ENDPOINT = "localhost";

/** The device registry attribute the example rules take a temperature threshold from. */
const THRESHOLD_ATTRIBUTE = "maxTemp";

/** One endpoint per simulated device, from `--from` folders or `--devices N` and the flags. */
export async function resolveEndpoints(
  io: CliIo,
  options: FleetTargetOptions,
  defaultRuleName: string,
): Promise<DeviceEndpoint[]> {
  const topicOf = topicFunction(options);
  if (options.from !== undefined) {
    if (options.cert !== undefined || options.key !== undefined) {
      throw new UsageError(
        "--cert/--key do not go with --from: each device uses the certificate in its folder",
      );
    }
    const folders = await loadDeviceFolders(options.from, io.readText);
    return Promise.all(
      folders.map(async ({ config, certificateFile, privateKeyFile, caCertificateFile }) => {
        const threshold = options.threshold ?? attributeThreshold(config.attributes[THRESHOLD_ATTRIBUTE]);
        return {
          thingName: config.thingName,
          host: options.endpoint ?? config.endpoint,
          port: options.port ?? (options.insecurePlain ? PLAIN_PORT : config.port),
          ...(options.insecurePlain
            ? {}
            : { tls: await readTls(io, options.ca ?? caCertificateFile, certificateFile, privateKeyFile) }),
          topic: topicOf(config.thingName, config.topicRoot, config.telemetryRuleName),
          ...(threshold === undefined ? {} : { threshold }),
        };
      }),
    );
  }

  let tls: DeviceTls | undefined;
  if (!options.insecurePlain) {
    if (options.cert === undefined || options.key === undefined) {
      throw new UsageError(
        "--devices over TLS needs --cert and --key (one pair for every simulated device); use --from with the " +
          "output of plantwatch provision, or --insecure-plain for the local stack's plain listener",
      );
    }
    tls = await readTls(io, options.ca, options.cert, options.key);
  }
  const count = options.devices ?? 1;
  const digits = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, index) => {
    const thingName = `${options.prefix}-${String(index + 1).padStart(digits, "0")}`;
    if (!THING_NAME_PATTERN.test(thingName)) {
      throw new UsageError(
        `--prefix ${options.prefix}: ${thingName} is not a valid thing name ([a-zA-Z0-9:_-])`,
      );
    }
    return {
      thingName,
      host: options.endpoint ?? DEFAULT_ENDPOINT,
      port: options.port ?? (tls === undefined ? PLAIN_PORT : TLS_PORT),
      ...(tls === undefined ? {} : { tls }),
      topic: topicOf(thingName, undefined, defaultRuleName),
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    };
  });
}

/** The C1 topic, or with `--basic-ingest` its Basic Ingest form; flags win over a device's own settings. */
function topicFunction(options: FleetTargetOptions) {
  return (thingName: string, deviceRoot: string | undefined, deviceRuleName: string): string => {
    const root = options.topicRoot ?? deviceRoot;
    const ruleName = options.ruleName ?? deviceRuleName;
    try {
      const topic = telemetryTopic(root);
      if (!options.basicIngest) return topic.topicFor(thingName);
      assertRuleName(ruleName);
      return topic.basicIngestTopicFor(ruleName, thingName);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
}

async function readTls(io: CliIo, ca: string | undefined, cert: string, key: string): Promise<DeviceTls> {
  return {
    ...(ca === undefined ? {} : { ca: await readInput(io, ca) }),
    cert: await readInput(io, cert),
    key: await readInput(io, key),
  };
}

function attributeThreshold(value: string | number | undefined): number | undefined {
  const threshold = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof threshold === "number" && Number.isFinite(threshold) ? threshold : undefined;
}
