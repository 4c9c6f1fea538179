import { createHash, createPrivateKey, webcrypto, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";

/**
 * Device keys made on this machine. ECDSA P-256 by default: IoT Core accepts it from a CSR, its
 * keys and handshakes are small and fast on microcontrollers, and mosquitto, mqtt.js and the AWS IoT
 * Device SDKs all support it. RSA 2048 for TLS stacks that know only RSA.
 */
export const KEY_TYPES = {
  ec: {
    label: "ECDSA P-256",
    generate: { name: "ECDSA", namedCurve: "P-256" },
    sign: { name: "ECDSA", hash: "SHA-256" },
  },
  rsa: {
    label: "RSA 2048",
    generate: {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    sign: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  },
} as const;
export type KeyType = keyof typeof KEY_TYPES;

export interface KeyAndCsr {
  /** PKCS#8 PEM; stays on this machine. */
  readonly privateKeyPem: string;
  readonly csrPem: string;
}

/** A new key pair and a CSR for it, subject `CN={thingName}`, made with WebCrypto. */
export async function generateKeyAndCsr(thingName: string, keyType: KeyType): Promise<KeyAndCsr> {
  // Loaded on first use: it costs a quarter second, which no other command should pay at start-up.
  const { x509 } = await import("./x509.ts");
  const algorithm = KEY_TYPES[keyType];
  const keys = (await webcrypto.subtle.generateKey(algorithm.generate, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [thingName] }],
    keys,
    signingAlgorithm: algorithm.sign,
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { privateKeyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), csrPem: csr.toString("pem") };
}

/** IoT Core's certificate id: the SHA-256 of the certificate's DER, in lowercase hex. */
export function certificateIdOf(certificatePem: string): string {
  return createHash("sha256").update(new X509Certificate(certificatePem).raw).digest("hex");
}

/** Whether the private key belongs to the certificate (false for anything unparsable). */
export function keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
  try {
    return new X509Certificate(certificatePem).checkPrivateKey(createPrivateKey(privateKeyPem));
  } catch {
    return false;
  }
}

/** The short form of a certificate id used in messages. */
export function shortId(certificateId: string): string {
  return certificateId.slice(0, 10);
}

const AMAZON_ROOT_CA_1 = "CN=Amazon Root CA 1";

/**
 * Amazon Root CA 1, which signs IoT Core's ATS endpoints, from Node's bundled Mozilla root store
 * (no download needed). Undefined if this Node build does not carry it.
 */
export function amazonRootCa1(roots: readonly string[] = rootCertificates): string | undefined {
  const pem = roots.find((candidate) =>
    new X509Certificate(candidate).subject.split("\n").includes(AMAZON_ROOT_CA_1),
  );
  return pem === undefined ? undefined : `${pem.trim()}\n`;
}
