import { createServer, type Socket, connect as tcpConnect } from "node:net";
import type { Random } from "../simulator/domain/random.ts";

const PUBLISH = 3;
const PUBACK = 4;

/** How often and where the proxy cut device connections. */
export interface DropCounts {
  readonly connections: number;
  readonly drops: number;
  /** The broker had the PUBLISH and answered PUBACK, which the device never got. */
  readonly betweenPublishAndPuback: number;
  /** The connection ended part-way through a PUBLISH: the broker got a truncated packet at most. */
  readonly insidePublish: number;
}

export interface DroppingMqttProxyOptions {
  readonly brokerHost: string;
  readonly brokerPort: number;
  readonly random: Random;
  /** Whole PUBLISH packets a connection carries before it is cut, on average. */
  readonly meanPublishesPerConnection: number;
  /** Every PUBLISH handed on whole to the broker, redeliveries included. */
  onPublishForwarded(payload: Buffer): void;
}

export interface DroppingMqttProxy {
  readonly port: number;
  counts(): DropCounts;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of an MQTT 3.1.1 broker (v5 PUBLISH properties would be read as payload)
 * that cuts each device connection after a random number of PUBLISH packets, the way a flaky
 * cellular link does: either inside a PUBLISH, or after the broker took one and before its PUBACK
 * reaches the device, which must then send the message again.
 */
export async function startDroppingMqttProxy(options: DroppingMqttProxyOptions): Promise<DroppingMqttProxy> {
  const counts = { connections: 0, drops: 0, betweenPublishAndPuback: 0, insidePublish: 0 };
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // Both ends are destroyed on purpose: the resets that follow are the point.
    socket.on("error", () => {});
  };

  const server = createServer((device) => {
    counts.connections++;
    const broker = tcpConnect(options.brokerPort, options.brokerHost);
    track(device);
    track(broker);
    let publishesLeft = 1 + Math.floor(options.random.next() * 2 * options.meanPublishesPerConnection);
    const cutAtPuback = options.random.chance(0.5);
    let awaitedPuback: number | undefined;
    let cut = false;
    const forward = (packet: Buffer) => {
      broker.write(packet);
      if (packetType(packet) === PUBLISH) options.onPublishForwarded(publishPayload(packet));
    };

    const fromDevice = packetSplitter((packet) => {
      if (cut) return;
      if (packetType(packet) !== PUBLISH || --publishesLeft > 0) return forward(packet);
      const packetId = publishPacketId(packet);
      if (cutAtPuback && packetId !== undefined) {
        awaitedPuback = packetId;
        return forward(packet);
      }
      cut = true;
      counts.drops++;
      counts.insidePublish++;
      // end(), not destroy(): the broker does get the first part of the packet, then the end of the stream.
      broker.end(packet.subarray(0, Math.floor(options.random.next() * packet.length)));
      device.destroy();
    });
    const fromBroker = packetSplitter((packet) => {
      if (cut) return;
      if (packetType(packet) === PUBACK && packet.readUInt16BE(2) === awaitedPuback) {
        cut = true;
        counts.drops++;
        counts.betweenPublishAndPuback++;
        device.destroy();
        broker.destroy();
        return;
      }
      device.write(packet);
    });
    device.on("data", fromDevice);
    broker.on("data", fromBroker);
    // Not once cut inside a PUBLISH: destroying would discard the part still on its way to the broker.
    device.on("close", () => {
      if (!cut) broker.destroy();
    });
    broker.on("close", () => device.destroy());
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP port"));
      else resolve(address.port);
    });
  });
  return {
    port,
    counts: () => ({ ...counts }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Hands on whole MQTT control packets, however TCP split or joined them. */
function packetSplitter(onPacket: (packet: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      const length = packetLength(pending);
      if (length === undefined || pending.length < length) return;
      onPacket(pending.subarray(0, length));
      pending = pending.subarray(length);
    }
  };
}

/** The whole packet's length from its fixed header, or undefined while the header is incomplete. */
function packetLength(buffer: Buffer): number | undefined {
  let remaining = 0;
  for (let index = 1; index <= 4; index++) {
    if (index >= buffer.length) return undefined;
    const byte = buffer[index] as number;
    remaining += (byte & 0x7f) * 128 ** (index - 1);
    if ((byte & 0x80) === 0) return 1 + index + remaining;
  }
  throw new Error("malformed MQTT remaining length");
}

function packetType(packet: Buffer): number {
  return (packet[0] as number) >> 4;
}

function qosOf(packet: Buffer): number {
  return ((packet[0] as number) >> 1) & 0x03;
}

/** Where the variable header starts: after the type byte and the remaining length's bytes. */
function variableHeaderStart(packet: Buffer): number {
  let index = 1;
  while (((packet[index] as number) & 0x80) !== 0) index++;
  return index + 1;
}

function publishPacketId(packet: Buffer): number | undefined {
  if (qosOf(packet) === 0) return undefined;
  const topicStart = variableHeaderStart(packet);
  return packet.readUInt16BE(topicStart + 2 + packet.readUInt16BE(topicStart));
}

function publishPayload(packet: Buffer): Buffer {
  const topicStart = variableHeaderStart(packet);
  const afterTopic = topicStart + 2 + packet.readUInt16BE(topicStart);
  return packet.subarray(qosOf(packet) === 0 ? afterTopic : afterTopic + 2);
}
