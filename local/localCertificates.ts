import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { THING_NAME_PATTERN } from "../shared/contracts/telemetryTopic.ts";
import { createCa, type LocalCa, loadCa, type Pem, writePem } from "./localCa.ts";
import type { LocalDataLayout } from "./localDataDir.ts";

/** Ten years: a local CA that expires in the middle of a demo helps nobody. */
const VALID_DAYS = 3650;

export interface PemFiles {
  readonly certificate: string;
  readonly privateKey: string;
}

export interface LocalCertificates {
  readonly ca: LocalCa;
  readonly caFile: string;
  /** The broker's certificate (for `localhost`, `127.0.0.1` and `::1`) and key. */
  readonly server: Pem & { readonly files: PemFiles };
  /** A device's certificate (CN = thing name) and key, issued and written on first use. */
  device(thingName: string): Promise<Pem & { readonly files: PemFiles }>;
}

/**
 * The local CA, like the one IoT Core trusts: made on the first start (key mode 0600), read back on
 * later starts so devices keep their certificates across restarts.
 */
export async function ensureCertificates(layout: LocalDataLayout): Promise<LocalCertificates> {
  const ca = await caOf(layout);
  const server = await pemOf(layout.certificates, "server", () =>
    ca.issueServer({ dns: ["localhost"], ip: ["127.0.0.1", "::1"] }),
  );
  return {
    ca,
    caFile: layout.caCertificate,
    server,
    device: (thingName) => {
      if (!THING_NAME_PATTERN.test(thingName)) throw new Error(`"${thingName}" is not a thing name`);
      return pemOf(layout.devices, thingName, () => ca.issueClient(thingName));
    },
  };
}

async function caOf(layout: LocalDataLayout): Promise<LocalCa> {
  if (existsSync(layout.caCertificate) && existsSync(layout.caKey)) {
    return loadCa(
      {
        certificate: readFileSync(layout.caCertificate, "utf8"),
        privateKey: readFileSync(layout.caKey, "utf8"),
      },
      { validDays: VALID_DAYS },
    );
  }
  const ca = await createCa({ commonName: "plantwatch local CA", validDays: VALID_DAYS });
  writePem(layout.certificates, "ca", ca);
  return ca;
}

async function pemOf(
  directory: string,
  name: string,
  issue: () => Promise<Pem>,
): Promise<Pem & { readonly files: PemFiles }> {
  const files = { certificate: join(directory, `${name}.pem`), privateKey: join(directory, `${name}.key`) };
  if (existsSync(files.certificate) && existsSync(files.privateKey)) {
    return {
      certificate: readFileSync(files.certificate, "utf8"),
      privateKey: readFileSync(files.privateKey, "utf8"),
      files,
    };
  }
  const pem = await issue();
  return { ...pem, files: writePem(directory, name, pem) };
}
