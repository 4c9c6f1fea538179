import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { provisionCommand } from "../../../cli/commands/provision.ts";
import { certificateIdOf, keyMatchesCertificate } from "../../../provisioning/credentials.ts";
import { deviceConfigSchema } from "../../../shared/contracts/deviceConfig.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { FAKE_ATS_ENDPOINT, type FakeIot, startFakeIot } from "../../support/fakeIot.ts";
import {
  localTarget,
  MUTATING,
  POLICY,
  RULE,
  registryItem,
  runProvisioningCli,
  TOPIC_ROOT,
  tempDir,
} from "./provisioningHarness.ts";

const ONE = ["--site", "plant-1", "--line", "line-2", "--model", "X100", "--attr", "maxTemp=250"];

describe("plantwatch provision", () => {
  let dynamo: LocalDynamo;
  let iot: FakeIot;
  let out: string;
  let counter = 0;
  let thing: string;
  const provision = (args: readonly string[], terminal = {}) =>
    runProvisioningCli(provisionCommand, [...args, "--out", out, ...localTarget(iot, dynamo)], terminal);
  const folderOf = (name: string) => join(out, name);
  const mutations = (from = 0) =>
    iot.requests.slice(from).filter((request) => MUTATING.has(request.operation));

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    iot = await startFakeIot({ policies: [POLICY] });
    out = tempDir("provision");
    thing = `oven-${++counter}`;
  });
  afterEach(async () => {
    await iot.stop();
  });

  describe("one device", () => {
    it("creates the thing, a certificate from a local CSR, the policy and principal, the registry item and the folder", async () => {
      const run = await provision([thing, ...ONE]);

      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout).toMatch(
        new RegExp(`^${thing}: created, certificate [0-9a-f]{10}, files in ${folderOf(thing)}\n`),
      );
      expect(iot.operations()).toEqual([
        "GetPolicy",
        "DescribeEndpoint",
        "DescribeThing",
        "CreateThing",
        "CreateCertificateFromCsr",
        "AttachPolicy",
        "AttachThingPrincipal",
      ]);
      // Exclusively: the certificate can belong to this thing only, so it can never connect as another.
      const attach = iot.requests.find((request) => request.operation === "AttachThingPrincipal");
      expect(new URL(attach?.url ?? "", "http://iot").searchParams.get("thingPrincipalType")).toBe(
        "EXCLUSIVE_THING",
      );
      const folder = folderOf(thing);
      const certificatePem = readFileSync(join(folder, "certificate.pem.crt"), "utf8");
      const privateKeyPem = readFileSync(join(folder, "private.pem.key"), "utf8");
      expect(statSync(join(folder, "private.pem.key")).mode & 0o777).toBe(0o600);
      expect(keyMatchesCertificate(privateKeyPem, certificatePem)).toBe(true);
      expect(
        new X509Certificate(certificatePem).verify(new X509Certificate(iot.caCertificatePem).publicKey),
      ).toBe(true);
      expect(new X509Certificate(readFileSync(join(folder, "AmazonRootCA1.pem"), "utf8")).subject).toContain(
        "CN=Amazon Root CA 1",
      );
      const config = deviceConfigSchema.parse(JSON.parse(readFileSync(join(folder, "device.json"), "utf8")));
      expect(config).toEqual({
        version: 1,
        thingName: thing,
        endpoint: FAKE_ATS_ENDPOINT,
        port: 8883,
        certificate: "certificate.pem.crt",
        privateKey: "private.pem.key",
        caCertificate: "AmazonRootCA1.pem",
        topicRoot: TOPIC_ROOT,
        telemetryRuleName: RULE,
        attributes: { site: "plant-1", line: "line-2", model: "X100", maxTemp: "250" },
      });
      const certificateId = certificateIdOf(certificatePem);
      const arn = `arn:aws:iot:eu-west-1:123456789012:cert/${certificateId}`;
      const state = iot.state();
      // Without a thing type IoT allows 3 attributes: the thing gets site/line/model, the registry all.
      expect(state.things[thing]).toMatchObject({
        attributes: { site: "plant-1", line: "line-2", model: "X100" },
        principals: [arn],
      });
      expect(state.certificates[certificateId]).toMatchObject({ status: "ACTIVE", origin: "csr" });
      expect(state.policyTargets).toEqual({ [POLICY]: [arn] });
      expect(await registryItem(dynamo, thing)).toEqual({
        thingName: thing,
        site: "plant-1",
        line: "line-2",
        model: "X100",
        attributes: { maxTemp: "250" },
      });
    });

    it("never sends the private key: only the CSR leaves the machine", async () => {
      await provision([thing, ...ONE, "--key-type", "rsa"]);

      const privateKeyPem = readFileSync(join(folderOf(thing), "private.pem.key"), "utf8");
      const base64 = privateKeyPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, "");
      const der = Buffer.from(base64, "base64");
      const secrets = [
        privateKeyPem.trim(),
        base64,
        base64.slice(40, 100),
        der.toString("base64url").slice(40, 100),
      ];
      const sent = iot.requests.map(
        (request) => `${request.url}\n${JSON.stringify(request.headers)}\n${request.body}`,
      );
      for (const secret of secrets) {
        for (const text of sent) expect(text).not.toContain(secret);
      }
      expect(sent.join("\n")).toContain("BEGIN CERTIFICATE REQUEST");
    });

    it("lets IoT make the keys with --aws-keys and still writes the key with mode 0600", async () => {
      const run = await provision([thing, ...ONE, "--aws-keys"]);

      expect(run.code).toBe(0);
      expect(iot.operations()).toContain("CreateKeysAndCertificate");
      expect(iot.operations()).not.toContain("CreateCertificateFromCsr");
      const folder = folderOf(thing);
      const privateKeyPem = readFileSync(join(folder, "private.pem.key"), "utf8");
      expect(statSync(join(folder, "private.pem.key")).mode & 0o777).toBe(0o600);
      expect(
        keyMatchesCertificate(privateKeyPem, readFileSync(join(folder, "certificate.pem.crt"), "utf8")),
      ).toBe(true);
      expect(Object.values(iot.state().certificates)).toMatchObject([{ origin: "keys", status: "ACTIVE" }]);
    });

    it("changes nothing on a second run and says so", async () => {
      await provision([thing, ...ONE]);
      const files = ["certificate.pem.crt", "private.pem.key", "AmazonRootCA1.pem", "device.json"].map(
        (file) => readFileSync(join(folderOf(thing), file), "utf8"),
      );
      const state = iot.state();
      const mark = iot.requests.length;
      const dynamoMark = dynamo.operations.length;

      const run = await provision([thing, ...ONE]);

      expect(run).toMatchObject({
        code: 0,
        stdout: `${thing}: unchanged\n0 created, 0 updated, 1 unchanged, 0 failed\n`,
      });
      expect(mutations(mark)).toEqual([]);
      expect(dynamo.operations.slice(dynamoMark)).toEqual(["GetItem"]);
      expect(iot.state()).toEqual(state);
      expect(
        ["certificate.pem.crt", "private.pem.key", "AmazonRootCA1.pem", "device.json"].map((file) =>
          readFileSync(join(folderOf(thing), file), "utf8"),
        ),
      ).toEqual(files);
    });

    it("updates changed attributes, reports each change and keeps lastSeen", async () => {
      await provision([thing, ...ONE]);
      await dynamo.client.send(
        new UpdateCommand({
          TableName: dynamo.tableName,
          Key: { thingName: thing },
          UpdateExpression: "SET lastSeen = :at",
          ExpressionAttributeValues: { ":at": 1_764_115_200_000 },
        }),
      );
      const mark = iot.requests.length;

      const run = await provision([thing, "--site", "plant-1", "--line", "line-3", "--attr", "maxTemp=260"]);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `${thing}: updated: attribute line: line-2 → line-3; attribute model removed (was X100); registry item updated; device.json written\n` +
          "0 created, 1 updated, 0 unchanged, 0 failed\n",
      );
      expect(mutations(mark).map((request) => request.operation)).toEqual(["UpdateThing"]);
      expect(iot.state().things[thing]?.attributes).toEqual({ site: "plant-1", line: "line-3" });
      expect(await registryItem(dynamo, thing)).toEqual({
        thingName: thing,
        site: "plant-1",
        line: "line-3",
        attributes: { maxTemp: "260" },
        lastSeen: 1_764_115_200_000,
      });
      const config = JSON.parse(readFileSync(join(folderOf(thing), "device.json"), "utf8"));
      expect(config.attributes).toEqual({ site: "plant-1", line: "line-3", maxTemp: "260" });
    });

    it("puts every attribute on the thing when it has a thing type", async () => {
      const run = await provision([thing, ...ONE, "--thing-type", "plantwatch-device"]);

      expect(run.code).toBe(0);
      expect(iot.state().things[thing]).toMatchObject({
        thingTypeName: "plantwatch-device",
        attributes: { site: "plant-1", line: "line-2", model: "X100", maxTemp: "250" },
      });
    });
  });

  describe("rollback", () => {
    it("undoes everything the run made when AttachThingPrincipal fails, and names the step", async () => {
      iot.fail("AttachThingPrincipal", "invalidRequest", { times: Number.POSITIVE_INFINITY });

      const run = await provision([thing, ...ONE]);

      expect(run.code).toBe(1);
      const [failure, rolledBack, summary] = run.stdout.split("\n");
      expect(failure).toBe(
        `${thing}: failed at AttachThingPrincipal: InvalidRequestException: Refused by the fake`,
      );
      expect(rolledBack).toMatch(
        new RegExp(
          `^  rolled back: detached policy ${POLICY}; removed .*certificate.pem.crt; removed .*private.pem.key; ` +
            `removed ${folderOf(thing)}; deleted certificate [0-9a-f]{10}; deleted thing ${thing}$`,
        ),
      );
      expect(summary).toBe("0 created, 0 updated, 0 unchanged, 1 failed");
      expect(iot.state()).toEqual({ things: {}, certificates: {}, policyTargets: {} });
      expect(await registryItem(dynamo, thing)).toBeUndefined();
      expect(existsSync(folderOf(thing))).toBe(false);
      expect(iot.operations().slice(-4)).toEqual([
        "DetachPolicy",
        "UpdateCertificate",
        "DeleteCertificate",
        "DeleteThing",
      ]);
    });

    it("says what it could not roll back and how to clean up", async () => {
      iot.fail("AttachThingPrincipal", "invalidRequest", { times: Number.POSITIVE_INFINITY });
      iot.fail("DeleteCertificate", "invalidRequest", { times: Number.POSITIVE_INFINITY });

      const run = await provision([thing, ...ONE]);

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /\n {2}NOT rolled back: deleted certificate [0-9a-f]{10}: InvalidRequestException: Refused by the fake\n/,
      );
      expect(Object.values(iot.state().certificates)).toMatchObject([{ status: "INACTIVE" }]);
      expect(run.stdout).toMatch(
        new RegExp(
          `  clean up with: plantwatch deprovision ${thing} --remove-files <out> \\(certificate id [0-9a-f]{64}\\)\n`,
        ),
      );
    });

    it("restores an existing thing's attributes and keeps what it did not make", async () => {
      iot.addThing(thing, { attributes: { site: "plant-9" } });
      iot.fail("AttachPolicy", "invalidRequest", { times: Number.POSITIVE_INFINITY });

      const run = await provision([thing, ...ONE]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${thing}: failed at AttachPolicy: InvalidRequestException`);
      expect(run.stdout).toContain(`restored the attributes of thing ${thing}`);
      expect(iot.state()).toMatchObject({
        things: { [thing]: { attributes: { site: "plant-9" }, principals: [] } },
      });
      expect(iot.state().certificates).toEqual({});
      expect(existsSync(folderOf(thing))).toBe(false);
    });

    it("puts back the registry item and the thing's attributes when the last step fails", async () => {
      await provision([thing, ...ONE]);
      const state = iot.state();
      const item = await registryItem(dynamo, thing);
      rmSync(join(folderOf(thing), "device.json"));
      mkdirSync(join(folderOf(thing), "device.json"));

      const run = await provision([thing, "--site", "plant-2", "--line", "line-2", "--attr", "maxTemp=300"]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${thing}: failed at write device.json: EISDIR`);
      expect(run.stdout).toContain(
        `rolled back: restored the registry item; restored the attributes of thing ${thing}\n`,
      );
      // Two updates later (there and back), IoT's version of the thing is 3; the rest is as before.
      expect(iot.state()).toEqual({ ...state, things: { [thing]: { ...state.things[thing], version: 3 } } });
      expect(await registryItem(dynamo, thing)).toEqual(item);
    });

    it("refuses a thing whose certificate it has no key for, changing nothing", async () => {
      await provision([thing, ...ONE]);
      const state = iot.state();
      const elsewhere = tempDir("elsewhere");

      const run = await runProvisioningCli(provisionCommand, [
        thing,
        ...ONE,
        "--out",
        elsewhere,
        ...localTarget(iot, dynamo),
      ]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `${thing}: failed at match the folder's certificate with the thing: thing ${thing} already has certificate`,
      );
      expect(run.stdout).toContain("rolled back: nothing had been made yet");
      expect(iot.state()).toEqual(state);
    });
  });

  describe("retries", () => {
    it("retries throttling and 5xx answers with backoff, then succeeds", async () => {
      iot.fail("CreateThing", "throttling", { times: 2 });
      iot.fail("CreateCertificateFromCsr", "throttling429");
      iot.fail("AttachPolicy", "unavailable");

      const run = await provision([thing, ...ONE]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "1 created, 0 updated, 0 unchanged, 0 failed (4 throttled call(s) retried)",
      );
      expect(
        iot.requests.filter((request) => request.errorType !== undefined).map((r) => r.errorType),
      ).toEqual([
        "ResourceNotFoundException",
        "ThrottlingException",
        "ThrottlingException",
        "ThrottlingException",
        "ServiceUnavailableException",
      ]);
      expect(Object.keys(iot.state().certificates)).toHaveLength(1);
    });
  });

  describe("input", () => {
    it("checks the options before calling anything", async () => {
      const run = await provision(["oven 3", "--site", "Plant 1", "--attr", "maxTemp", "--attr", "line=2"]);

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        [
          'error: thing name: "oven 3" is not a valid thing name (1-128 of letters, digits, ":", "_" and "-")',
          '--site: "Plant 1" may contain only letters, digits and _ . , @ / : # = [ ] - (no spaces)',
          "--attr maxTemp: expected key=value",
          '--attr line=2: "line" is reserved: it has its own option or column',
          "nothing was changed",
          "",
        ].join("\n"),
      );
      expect(iot.requests).toEqual([]);
    });

    it("wants a thing name or --csv, not both", async () => {
      expect((await provision([])).code).toBe(1);
      const both = await provision([thing, "--csv", "fleet.csv"]);
      expect(both).toMatchObject({
        code: 1,
        stderr: "error: give one thing name, or --csv <file> for a fleet\n",
      });
    });

    it("exits 2 when the device policy does not exist", async () => {
      const run = await runProvisioningCli(provisionCommand, [
        thing,
        "--out",
        out,
        ...localTarget(iot, dynamo).map((arg) => (arg === POLICY ? "missing-policy" : arg)),
      ]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain("IoT policy missing-policy does not exist");
      expect(mutations()).toEqual([]);
    });

    it("refuses a broken output folder", async () => {
      const folder = folderOf(thing);
      await provision([thing, ...ONE]);
      writeFileSync(join(folder, "private.pem.key"), "not a key");

      const run = await provision([thing, ...ONE]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`private.pem.key is not the key of certificate`);
    });
  });
});
