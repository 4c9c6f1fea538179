import { webcrypto } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { x509 } from "../../cli/provisioning/x509.ts";

/**
 * A certificate authority made on the spot, like the one IoT Core checks device certificates
 * against: ECDSA P-256 keys, a CA certificate, server certificates for a local broker and client
 * certificates for devices. Only `@peculiar/x509` and WebCrypto, no test framework, so the local
 * stack can use it for its mutual-TLS listener too.
 */

/** A certificate and its private key, PEM text (the key in PKCS #8). */
export interface Pem {
  readonly certificate: string;
  readonly privateKey: string;
}

export interface TestCa extends Pem {
  /** A server certificate: by default for `localhost` and `127.0.0.1`. */
  issueServer(names?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] }): Promise<Pem>;
  /** A client certificate whose common name is `commonName` (a thing name, say). */
  issueClient(commonName: string): Promise<Pem>;
}

export interface TestCaOptions {
  readonly commonName?: string;
  readonly validDays?: number;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const HOUR_MS = 3_600_000;

export async function createTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const validDays = options.validDays ?? 30;
  // An hour of slack before "now" tolerates a peer whose clock is a little behind.
  const validity = () => ({
    notBefore: new Date(Date.now() - HOUR_MS),
    notAfter: new Date(Date.now() + validDays * 24 * HOUR_MS),
  });
  const caKeys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.commonName ?? "plantwatch test CA"}`,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const issue = async (commonName: string, extensions: readonly x509.Extension[]): Promise<Pem> => {
    const keys = await generateKeys();
    const certificate = await x509.X509CertificateGenerator.create({
      subject: `CN=${commonName}`,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      ...validity(),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
          true,
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        ...extensions,
      ],
    });
    return { certificate: certificate.toString("pem"), privateKey: await privateKeyPem(keys) };
  };

  return {
    certificate: ca.toString("pem"),
    privateKey: await privateKeyPem(caKeys),
    issueServer: async (names = {}) => {
      const dns = names.dns ?? ["localhost"];
      const ip = names.ip ?? ["127.0.0.1"];
      return issue(dns[0] ?? ip[0] ?? "localhost", [
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...dns.map((value) => ({ type: "dns" as const, value })),
          ...ip.map((value) => ({ type: "ip" as const, value })),
        ]),
      ]);
    },
    issueClient: (commonName) =>
      issue(commonName, [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]),
  };
}

/** Writes `{name}.pem` and `{name}.key` (mode 0600) into `directory`; returns their paths. */
export function writePem(
  directory: string,
  name: string,
  pem: Pem,
): { certificate: string; privateKey: string } {
  const certificate = join(directory, `${name}.pem`);
  const privateKey = join(directory, `${name}.key`);
  writeFileSync(certificate, pem.certificate);
  writeFileSync(privateKey, pem.privateKey, { mode: 0o600 });
  chmodSync(privateKey, 0o600);
  return { certificate, privateKey };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
}
