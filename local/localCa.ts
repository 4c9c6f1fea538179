import { webcrypto } from "node:crypto";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { x509 } from "../provisioning/x509.ts";

/**
 * A certificate authority made on the spot, like the one IoT Core checks device certificates
 * against: ECDSA P-256 keys, a CA certificate, server certificates for a local broker and client
 * certificates for devices. Only `@peculiar/x509` and WebCrypto: the local stack's mutual-TLS
 * listener and the tests' brokers use the same code.
 */

/** A certificate and its private key, PEM text (the key in PKCS #8). */
export interface Pem {
  readonly certificate: string;
  readonly privateKey: string;
}

export interface LocalCa extends Pem {
  /** A server certificate: by default for `localhost` and `127.0.0.1`. */
  issueServer(names?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] }): Promise<Pem>;
  /** A client certificate whose common name is `commonName` (a thing name, say). */
  issueClient(commonName: string): Promise<Pem>;
}

export interface CaOptions {
  readonly commonName?: string;
  /** How long the CA and the certificates it issues are valid. */
  readonly validDays?: number;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const HOUR_MS = 3_600_000;

/** A new CA with a fresh key pair. */
export async function createCa(options: CaOptions = {}): Promise<LocalCa> {
  const validDays = options.validDays ?? 30;
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${options.commonName ?? "plantwatch test CA"}`,
    keys,
    signingAlgorithm: ALGORITHM,
    ...validity(validDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return issuingCa(certificate, keys, validDays);
}

/** A CA written earlier (`createCa`, then its PEM saved), able to issue certificates again. */
export async function loadCa(pem: Pem, options: Pick<CaOptions, "validDays"> = {}): Promise<LocalCa> {
  const certificate = new x509.X509Certificate(pem.certificate);
  const privateKey = await webcrypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(pem.privateKey),
    ALGORITHM,
    true,
    ["sign"],
  );
  const publicKey = await certificate.publicKey.export(ALGORITHM, ["verify"]);
  return issuingCa(certificate, { privateKey, publicKey }, options.validDays ?? 30);
}

/** The common name of a PEM certificate's subject, or undefined when it has none. */
export function commonNameOf(certificatePem: string): string | undefined {
  return new x509.X509Certificate(certificatePem).subjectName.getField("CN")[0];
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

async function issuingCa(
  ca: x509.X509Certificate,
  caKeys: webcrypto.CryptoKeyPair,
  validDays: number,
): Promise<LocalCa> {
  const issue = async (commonName: string, extensions: readonly x509.Extension[]): Promise<Pem> => {
    const keys = await generateKeys();
    const certificate = await x509.X509CertificateGenerator.create({
      subject: `CN=${commonName}`,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      ...validity(validDays),
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

/** An hour of slack before "now" tolerates a peer whose clock is a little behind. */
function validity(validDays: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: new Date(Date.now() - HOUR_MS),
    notAfter: new Date(Date.now() + validDays * 24 * HOUR_MS),
  };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(keys: Pick<webcrypto.CryptoKeyPair, "privateKey">): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
}
