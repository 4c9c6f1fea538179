import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MqttDevice } from "../../../simulator/mqtt/mqttDevice.ts";
import { FAST_BACKOFF } from "./fixtures.ts";

const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const TOPIC = "dt/plantwatch/mixer-1/telemetry";

interface HeldConnection {
  readonly socket: Socket;
  /** Payloads of the PUBLISH packets this connection carried, none acknowledged unless `acknowledge`. */
  readonly published: string[];
}

/**
 * Just enough of an MQTT 3.1.1 broker to hold PUBACKs back: it accepts every CONNECT, and answers
 * PUBLISH packets only once `acknowledge` is set, so a test decides which messages are in flight
 * when it cuts a connection.
 */
async function startHoldingBroker() {
  const connections: HeldConnection[] = [];
  const state = { acknowledge: false };
  const server: Server = createServer((socket) => {
    const connection: HeldConnection = { socket, published: [] };
    connections.push(connection);
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      // The test's packets are small: one byte of remaining length.
      while (pending.length >= 2 && pending.length >= 2 + (pending[1] as number)) {
        const packet = pending.subarray(0, 2 + (pending[1] as number));
        pending = pending.subarray(packet.length);
        const type = (packet[0] as number) >> 4;
        if (type === 1) socket.write(CONNACK);
        if (type === 3) {
          const topicEnd = 4 + packet.readUInt16BE(2);
          connection.published.push(packet.subarray(topicEnd + 2).toString());
          if (state.acknowledge)
            socket.write(Buffer.from([0x40, 0x02, ...packet.subarray(topicEnd, topicEnd + 2)]));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    connections,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const { socket } of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("MqttDevice", () => {
  const cleanUps: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });

  it("sends again a message published while it resent its in-flight ones, when that connection drops too", async () => {
    const broker = await startHoldingBroker();
    cleanUps.push(broker.stop);
    const device = new MqttDevice(
      { thingName: "mixer-1", host: "127.0.0.1", port: broker.port, topic: TOPIC },
      { backoff: FAST_BACKOFF, connectTimeoutMs: 2_000 },
    );
    cleanUps.push(() => device.stop(0));
    await device.start();

    device.publish(TOPIC, Buffer.from("first"));
    await vi.waitFor(() => expect(broker.connections[0]?.published).toEqual(["first"]));
    broker.connections[0]?.socket.destroy();
    // On the next connection the device resends "first" and waits for its PUBACK before anything new.
    await vi.waitFor(() => expect(broker.connections[1]?.published).toEqual(["first"]));
    device.publish(TOPIC, Buffer.from("second"));
    broker.connections[1]?.socket.destroy();
    broker.state.acknowledge = true;
    await device.idle();

    expect(device.stats()).toMatchObject({ sent: 2, acknowledged: 2, failed: 0 });
    expect(broker.connections.flatMap(({ published }) => published)).toContain("second");
  });
});
