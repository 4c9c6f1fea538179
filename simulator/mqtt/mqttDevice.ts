import { connect, type MqttClient } from "mqtt";
import { type BackoffPolicy, backoffDelay } from "./backoff.ts";

/**
 * With TLS 1.3 a broker checks the client certificate after the client's side of the handshake
 * is done, and may just close: the client sees no error, only a connection that never got a CONNACK.
 */
const REFUSED =
  "the broker closed the connection before accepting it (is the certificate signed by a CA it trusts, and active?)";

/** How mqtt.js fails a message when the connection it waited for closes. */
const CONNECTION_CLOSED = "Connection closed";

/** Mutual TLS credentials, PEM text. Without `ca` the server is checked against Node's root CAs. */
export interface DeviceTls {
  readonly ca?: string;
  readonly cert: string;
  readonly key: string;
}

/** Where and as whom one device connects, and the topic it publishes telemetry to. */
export interface DeviceEndpoint {
  readonly thingName: string;
  readonly host: string;
  readonly port: number;
  /** Absent: plain MQTT (the local stack's listener on 1883). */
  readonly tls?: DeviceTls;
  readonly topic: string;
  /** The level `overheat` and `flapping` cross, when the device has its own (e.g. a `maxTemp` attribute). */
  readonly threshold?: number;
}

export interface DeviceStats {
  readonly thingName: string;
  /** Messages handed to the client (queued while disconnected, sent on reconnect). */
  readonly sent: number;
  /** Messages the broker acknowledged (PUBACK). */
  readonly acknowledged: number;
  /** Messages not acknowledged: refused, dropped, or still unacknowledged at the end. */
  readonly failed: number;
  /** Successful connections (reconnects included). */
  readonly connections: number;
  readonly lastError?: string;
}

export type DeviceEvent =
  | { readonly type: "connected"; readonly thingName: string; readonly connections: number }
  | {
      readonly type: "connection-failed";
      readonly thingName: string;
      readonly message: string;
      readonly retryInMs: number;
    };

export interface MqttDeviceOptions {
  readonly backoff: BackoffPolicy;
  readonly connectTimeoutMs: number;
  readonly onEvent?: (event: DeviceEvent) => void;
}

/**
 * One device's MQTT connection: client id = thing name, MQTT 3.1.1 (IoT Core, mosquitto and
 * aedes all speak it), QoS 1, and reconnection with exponential backoff (mqtt.js's own reconnect
 * waits a fixed period, so it is off).
 */
export class MqttDevice {
  readonly endpoint: DeviceEndpoint;
  private readonly options: MqttDeviceOptions;
  private client: MqttClient | undefined;
  private online = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private counts = { sent: 0, acknowledged: 0, connections: 0 };
  /** The latest error, for the summary; `error` is the current connection's and clears on connect. */
  private lastError: string | undefined;
  private error: string | undefined;
  /** Whether the current connection got as far as the broker's CONNACK. */
  private accepted = false;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(endpoint: DeviceEndpoint, options: MqttDeviceOptions) {
    this.endpoint = endpoint;
    this.options = options;
  }

  /** Connects; resolves once connected or once the first attempt failed (retries go on). */
  start(): Promise<void> {
    const { host, port, tls, thingName } = this.endpoint;
    this.online = true;
    const client = connect({
      protocol: tls === undefined ? "mqtt" : "mqtts",
      host,
      port,
      clientId: thingName,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs,
      ...(tls === undefined
        ? {}
        : {
            cert: tls.cert,
            key: tls.key,
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            rejectUnauthorized: true,
            // IoT Core serves MQTT on 443 only to clients that ask for it by ALPN.
            ...(port === 443 ? { ALPNProtocols: ["x-amzn-mqtt-ca"] } : {}),
          }),
    });
    this.client = client;
    client.on("connect", () => {
      this.attempt = 0;
      this.error = undefined;
      this.accepted = true;
      this.counts.connections++;
      this.options.onEvent?.({ type: "connected", thingName, connections: this.counts.connections });
    });
    client.on("error", (error) => {
      this.error = describeError(error);
      // After a deliberate disconnect the peer may reset the TLS socket (read ECONNRESET): that is
      // the end of a connection we closed, not a failure of the device.
      if (this.online) this.lastError = this.error;
    });
    client.on("close", () => {
      const message = this.error ?? (this.accepted ? "connection lost" : REFUSED);
      this.accepted = false;
      this.error = undefined;
      if (!this.online) return;
      this.lastError = message;
      this.scheduleReconnect(client, message);
    });
    return new Promise((resolve) => {
      client.once("connect", () => resolve());
      client.once("close", () => resolve());
    });
  }

  publish(topic: string, payload: Uint8Array): void {
    this.counts.sent++;
    this.pending++;
    this.send(topic, Buffer.from(payload));
  }

  /** Disconnects on purpose (once its messages are acknowledged, at most `graceMs` later) and stays away. */
  async goOffline(graceMs: number): Promise<void> {
    this.online = false;
    this.cancelRetry();
    await this.end(graceMs);
  }

  /** Comes back after `goOffline`. */
  goOnline(): void {
    this.online = true;
    this.attempt = 0;
    this.requireClient().reconnect();
  }

  /** Resolves when every message sent so far is acknowledged or failed. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Disconnects for good; what is still unacknowledged after `graceMs` fails. */
  async stop(graceMs: number): Promise<void> {
    this.online = false;
    this.cancelRetry();
    await this.end(graceMs);
  }

  stats(): DeviceStats {
    const { sent, acknowledged, connections } = this.counts;
    return {
      thingName: this.endpoint.thingName,
      sent,
      acknowledged,
      failed: sent - acknowledged,
      connections,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private async end(graceMs: number): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    if (!client.connected) {
      // Queued messages fail now rather than hold a device open that cannot send them.
      await client.endAsync(true);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), graceMs);
    });
    const ended = await Promise.race([client.endAsync(false).then(() => "ended" as const), late]);
    clearTimeout(timer);
    if (ended === "late") await client.endAsync(true);
  }

  private send(topic: string, payload: Buffer): void {
    this.requireClient().publish(topic, payload, { qos: 1 }, (error) => {
      // After a reconnect mqtt.js resends its in-flight messages one by one and holds new ones back
      // meanwhile; if that connection drops too, it fails the held ones, which it never sent nor
      // stored. A device that means to stay online sends them again, once mqtt.js has closed.
      if (error?.message === CONNECTION_CLOSED && this.online) {
        setImmediate(() => (this.online ? this.send(topic, payload) : this.settle(error)));
        return;
      }
      this.settle(error);
    });
  }

  private settle(error: Error | undefined): void {
    if (error) this.lastError ??= describeError(error);
    else this.counts.acknowledged++;
    this.pending--;
    if (this.pending === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private cancelRetry(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
  }

  private scheduleReconnect(client: MqttClient, message: string): void {
    if (this.retry !== undefined) return;
    const retryInMs = backoffDelay(this.attempt++, this.options.backoff);
    this.options.onEvent?.({
      type: "connection-failed",
      thingName: this.endpoint.thingName,
      message,
      retryInMs,
    });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.online) return;
      // Keep the stores: messages queued or in flight are sent again on the new connection.
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, retryInMs);
  }

  private requireClient(): MqttClient {
    if (this.client === undefined) throw new Error(`${this.endpoint.thingName} is not started`);
    return this.client;
  }
}

/** OpenSSL's `80EC...:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:...` as `tlsv1 alert unknown ca`. */
function describeError(error: Error): string {
  return /:SSL routines:[^:]*:([^:]+):/.exec(error.message)?.[1] ?? error.message;
}
