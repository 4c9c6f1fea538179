import { createPublicKey, X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { amazonRootCa1, generateKeyAndCsr } from "../../provisioning/credentials.ts";
import { x509 } from "../../provisioning/x509.ts";

describe("generateKeyAndCsr", () => {
  it.each([
    ["ec", "ec", "prime256v1"],
    ["rsa", "rsa", undefined],
  ] as const)("makes a %s key and a signed CSR for CN=<thingName>", async (keyType, type, curve) => {
    const { privateKeyPem, csrPem } = await generateKeyAndCsr("oven-3", keyType);

    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(csr.subject).toBe("CN=oven-3");
    expect(await csr.verify()).toBe(true);
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const publicKey = createPublicKey(privateKeyPem);
    expect(publicKey.asymmetricKeyType).toBe(type);
    if (curve) expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
    else expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const spki = Buffer.from(csr.publicKey.rawData).toString("base64");
    expect(spki).toBe(publicKey.export({ type: "spki", format: "der" }).toString("base64"));
  });
});

describe("amazonRootCa1", () => {
  it("finds Amazon Root CA 1 in Node's root store", () => {
    const pem = amazonRootCa1();

    expect(pem).toBeDefined();
    expect(new X509Certificate(pem as string).subject.split("\n")).toContain("CN=Amazon Root CA 1");
  });

  it("is undefined for a store without it", () => {
    const others = rootCertificates.filter(
      (pem) => !new X509Certificate(pem).subject.includes("Amazon Root CA 1"),
    );

    expect(amazonRootCa1(others)).toBeUndefined();
  });
});
