import { randomUUID } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { Aedes, type AuthenticateError } from "aedes";
import type { LifecycleEvent } from "../shared/contracts/lifecycleRule.ts";
import type { Clock } from "../shared/ports/clock.ts";
import {
  authorizeConnect,
  authorizePublish,
  authorizeSubscribe,
  type ConnectionIdentity,
  type DevicePolicyScope,
} from "./brokerPolicy.ts";
import { isBasicIngestTopic } from "./iotRules/topicFilter.ts";
import { listenOn } from "./listen.ts";

/** A message as the rules engine gets it: every client publish, and the broker's presence events. */
export interface BrokerMessage {
  readonly topic: string;
  readonly payload: Buffer;
  /** Absent for the broker's own messages (presence events). */
  readonly clientId?: string;
  /** Epoch ms. */
  readonly receivedAt: number;
}

export interface BrokerRefusal {
  readonly listener: ConnectionIdentity["listener"];
  readonly clientId: string;
  readonly reason: string;
}

export interface LocalBrokerOptions {
  readonly host: string;
  /** Plain MQTT; 0 picks a free port. */
  readonly plainPort: number;
  /** MQTT over mutual TLS; 0 picks a free port. */
  readonly mtlsPort: number;
  /** PEM: the CA that signs device certificates, and the broker's own certificate and key. */
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly scope: DevicePolicyScope;
  readonly clock: Clock;
  onMessage(message: BrokerMessage): void;
  onRefusal?(refusal: BrokerRefusal): void;
}

export interface LocalBroker {
  readonly plainPort: number;
  readonly mtlsPort: number;
  close(): Promise<void>;
}

const PRESENCE_PREFIX = "$aws/events/presence";
const NOT_AUTHORIZED = 5;

/**
 * aedes on two listeners, in place of IoT Core's broker: plain MQTT for quick experiments and mutual
 * TLS with the local CA. The device policy decides connects, publishes and subscriptions; presence
 * events (C1) are published on connect and disconnect, and every message is handed to `onMessage`
 * for the rules engine; Basic Ingest ones reach no subscriber, as on IoT Core.
 */
export async function startLocalBroker(options: LocalBrokerOptions): Promise<LocalBroker> {
  const identities = new WeakMap<object, ConnectionIdentity>();
  const sessions = new Map<object, { readonly id: string; readonly principal?: string }>();
  let closing = false;
  const identityOf = (conn: object): ConnectionIdentity => identities.get(conn) ?? { listener: "plain" };
  const refuse = (listener: ConnectionIdentity["listener"], clientId: string, reason: string) =>
    options.onRefusal?.({ listener, clientId, reason });

  const aedes = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      const identity = identityOf(client.conn);
      const decision = authorizeConnect(identity, client.id);
      if (decision.allowed) return done(null, true);
      refuse(identity.listener, client.id, decision.reason);
      done(
        Object.assign(new Error(decision.reason), { returnCode: NOT_AUTHORIZED }) as AuthenticateError,
        false,
      );
    },
    authorizePublish(client, packet, done) {
      if (client === null) return done(null);
      const decision = authorizePublish(options.scope, client.id, packet.topic);
      if (decision.allowed) return done(null);
      // IoT Core disconnects a client that publishes where its policy does not allow; so does aedes.
      refuse(identityOf(client.conn).listener, client.id, decision.reason);
      done(new Error(decision.reason));
    },
    authorizeSubscribe(client, subscription, done) {
      const identity = identityOf(client.conn);
      const decision = authorizeSubscribe(identity, subscription.topic);
      if (decision.allowed) return done(null, subscription);
      refuse(identity.listener, client.id, decision.reason);
      done(new Error(decision.reason));
    },
    authorizeForward: (_client, packet) => (isBasicIngestTopic(packet.topic) ? null : packet),
    published(packet, client, done) {
      done(null);
      if (packet.topic.startsWith("$SYS/")) return;
      options.onMessage({
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        ...(client ? { clientId: client.id } : {}),
        receivedAt: options.clock.now(),
      });
    },
  });

  const presence = (eventType: LifecycleEvent["eventType"], clientId: string, conn: Socket) => {
    const session = sessions.get(conn);
    const event: LifecycleEvent = {
      clientId,
      timestamp: options.clock.now(),
      eventType,
      ...(session ? { sessionIdentifier: session.id } : {}),
      ...(session?.principal ? { principalIdentifier: session.principal } : {}),
      versionNumber: 0,
      ...(conn.remoteAddress ? { ipAddress: conn.remoteAddress } : {}),
    };
    aedes.publish(
      {
        cmd: "publish",
        topic: `${PRESENCE_PREFIX}/${eventType}/${clientId}`,
        payload: Buffer.from(JSON.stringify(event)),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => {},
    );
  };
  aedes.on("client", (client) => {
    const conn = client.conn as Socket;
    sessions.set(conn, { id: randomUUID(), ...principalOf(conn) });
    presence("connected", client.id, conn);
  });
  aedes.on("clientDisconnect", (client) => {
    const conn = client.conn as Socket;
    // Stopping the stack is not the devices going away: it would read as an outage on the next start.
    if (!closing && sessions.has(conn)) presence("disconnected", client.id, conn);
    sessions.delete(conn);
  });

  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const plain = createServer((socket) => {
    track(socket);
    aedes.handle(socket);
  });
  const mtls = createTlsServer(
    {
      ca: options.tls.ca,
      cert: options.tls.cert,
      key: options.tls.key,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket: TLSSocket) => {
      track(socket);
      const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
      const cn = subject?.CN;
      identities.set(socket, { listener: "mtls", certificateCn: Array.isArray(cn) ? cn[0] : cn });
      aedes.handle(socket);
    },
  );
  mtls.on("tlsClientError", () => {
    // A certificate from another CA, or none: the handshake fails and the client sees why.
  });

  const servers: Server[] = [];
  const stopServers = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  try {
    const plainPort = await listenOn(plain, {
      host: options.host,
      port: options.plainPort,
      what: "MQTT",
      flag: "--mqtt-port",
    });
    servers.push(plain);
    const mtlsPort = await listenOn(mtls, {
      host: options.host,
      port: options.mtlsPort,
      what: "MQTT over mutual TLS",
      flag: "--mqtts-port",
    });
    servers.push(mtls);
    return {
      plainPort,
      mtlsPort,
      close: async () => {
        closing = true;
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await stopServers();
      },
    };
  } catch (error) {
    closing = true;
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await stopServers();
    throw error;
  }
}

/** IoT Core names the certificate by the SHA-256 of its DER, as hex: the local broker does too. */
function principalOf(conn: Socket): { principal?: string } {
  const tls = conn as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== "function") return {};
  const fingerprint = tls.getPeerCertificate().fingerprint256;
  return fingerprint ? { principal: fingerprint.replace(/:/g, "").toLowerCase() } : {};
}
