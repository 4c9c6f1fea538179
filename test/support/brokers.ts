import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { Aedes } from "aedes";

/**
 * Real MQTT brokers with mutual TLS for tests, on 127.0.0.1 and a random port: aedes in this
 * process, and Debian's mosquitto as a child process. Both refuse a client whose certificate
 * the CA did not sign.
 */

/** PEM text of the broker's CA (which signs the clients too), certificate and key. */
export interface BrokerTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface ReceivedPublish {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: number;
  readonly clientId: string;
}

export interface AedesBroker {
  readonly port: number;
  /** Every message clients published, in arrival order. */
  readonly published: readonly ReceivedPublish[];
  /** Errors of TLS handshakes the server refused (a certificate from another CA, say). */
  readonly refusedHandshakes: readonly string[];
  stop(): Promise<void>;
}

/** aedes behind a TLS server that requires a client certificate from `tls.ca`; `port` 0 picks a free one. */
export async function startAedes(tls: BrokerTls, port = 0): Promise<AedesBroker> {
  const aedes = await Aedes.createBroker();
  const published: ReceivedPublish[] = [];
  const refusedHandshakes: string[] = [];
  aedes.on("publish", (packet, client) => {
    if (client === null) return; // the broker's own $SYS messages
    published.push({
      topic: packet.topic,
      payload: Buffer.from(packet.payload),
      qos: packet.qos,
      clientId: client.id,
    });
  });
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer(
    { ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true },
    (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      aedes.handle(socket);
    },
  );
  server.on("tlsClientError", (error) => refusedHandshakes.push(error.message));
  return {
    port: await listen(server, port),
    published,
    refusedHandshakes,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** Paths of PEM files: mosquitto reads its TLS material from files. */
export interface BrokerTlsFiles {
  readonly cafile: string;
  readonly certfile: string;
  readonly keyfile: string;
}

export interface MosquittoBroker {
  readonly port: number;
  /** mosquitto's log so far (connections, subscriptions, OpenSSL errors). */
  log(): string;
  /** Resolves once the log matches `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((path) => existsSync(path));

/**
 * Debian's mosquitto with one listener that requires a client certificate from the CA and takes
 * the certificate's common name as the user name, as IoT Core takes the certificate as identity.
 */
export async function startMosquitto(files: BrokerTlsFiles): Promise<MosquittoBroker> {
  if (MOSQUITTO === undefined) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), "plantwatch-mosquitto-")), "mosquitto.conf");
  writeFileSync(
    config,
    [
      "per_listener_settings false",
      "persistence false",
      "log_dest stderr",
      "log_type all",
      "connection_messages true",
      // As root, mosquitto would switch to the `mosquitto` user, who cannot read 0600 keys.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      `listener ${port} 127.0.0.1`,
      `cafile ${files.cafile}`,
      `certfile ${files.certfile}`,
      `keyfile ${files.keyfile}`,
      "require_certificate true",
      "use_identity_as_username true",
      "",
    ].join("\n"),
  );
  const child = spawn(MOSQUITTO, ["-c", config], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const waitForLog = (pattern: RegExp, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(log)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`mosquitto log did not match ${pattern} in ${timeoutMs} ms:\n${log}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  try {
    await Promise.race([
      waitForPort(port),
      exited.then(() => Promise.reject(new Error(`mosquitto exited at start:\n${log}`))),
    ]);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  return { port, log: () => log, waitForLog, stop: () => stopChild(child, exited) };
}

export interface MosquittoSubscriber {
  /** Messages received so far, in order. */
  readonly messages: readonly { readonly topic: string; readonly payload: Buffer }[];
  stop(): Promise<void>;
}

/**
 * Debian's `mosquitto_sub`, subscribed with a client certificate (QoS 1) to `topics` on `broker`:
 * a client nobody here wrote, reading what the simulator published. Resolves once subscribed.
 */
export async function startMosquittoSub(
  broker: MosquittoBroker,
  files: BrokerTlsFiles,
  options: { readonly clientId: string; readonly topics: readonly string[] },
): Promise<MosquittoSubscriber> {
  const args = [
    ...["-h", "127.0.0.1", "-p", String(broker.port), "-i", options.clientId, "-q", "1"],
    ...["--cafile", files.cafile, "--cert", files.certfile, "--key", files.keyfile],
    ...options.topics.flatMap((topic) => ["-t", topic]),
    // Topic, a space, and the payload in hex: binary payloads survive the pipe.
    ...["-F", "%t %x"],
  ];
  const child = spawn("mosquitto_sub", args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const messages: { topic: string; payload: Buffer }[] = [];
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString("utf8")).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const space = line.indexOf(" ");
      messages.push({ topic: line.slice(0, space), payload: Buffer.from(line.slice(space + 1), "hex") });
    }
  });
  await broker.waitForLog(new RegExp(`Sending SUBACK to ${options.clientId}`));
  return { messages, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  await exited;
}

interface Listener {
  listen(port: number, host: string, done: () => void): unknown;
  address(): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
}

async function listen(server: Listener, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return (server.address() as { port: number }).port;
}

/** A port that was free a moment ago (mosquitto cannot be asked to pick one). */
async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket: Socket = tcpConnect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
