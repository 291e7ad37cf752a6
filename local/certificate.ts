/**
 * The local service's TLS certificate: generated once into `<dataDir>/tls/`
 * when the user brings none, or read from the user's `TLS_CERT`/`TLS_KEY`.
 *
 * ## Why one self-signed RSA certificate with CA:TRUE
 *
 * The user trusts one file (the AWS CLI's `--ca-bundle`, boto3's `verify=`,
 * `AWS_CA_BUNDLE`, Node's `ca`/`NODE_EXTRA_CA_CERTS`, curl's `--cacert`, a
 * Java trust store for the KCL and the KPL, whose native part is libcurl on
 * OpenSSL). So the certificate is its own issuer and the server's
 * certificate at once, and the choices follow from what those verifiers
 * demand of such a file:
 *
 * - **RSA 2048 with SHA-256.** Every TLS stack accepts it, including older
 *   OpenSSL builds bundled in native binaries, and Java's default
 *   algorithm constraints; P-256 would do for most but buys nothing here.
 * - **CA:TRUE with keyCertSign.** OpenSSL before 3.0 (still linked into
 *   older native builds) and LibreSSL (macOS's curl) count a certificate
 *   as self-signed only when its keyUsage allows keyCertSign; otherwise
 *   they look for its issuer and refuse to find it even in the trust
 *   store. OpenSSL 3 accepts either form, but Python 3.13's
 *   `VERIFY_X509_STRICT` forbids keyCertSign on a CA:FALSE certificate. So
 *   the one form all of them accept is a CA that also serves.
 * - **What Python 3.13+'s strict mode (OpenSSL `X509_V_FLAG_X509_STRICT`)
 *   requires of a CA:** basicConstraints marked critical, a keyUsage
 *   extension with keyCertSign, a subjectKeyIdentifier, no critical
 *   subject or authority key identifiers, a non-empty issuer and subject,
 *   the same signature algorithm inside and outside the signed part, and
 *   a pathLenConstraint only with keyCertSign. All are met below.
 * - **keyUsage** adds digitalSignature and keyEncipherment, which OpenSSL's
 *   "SSL server" purpose asks of an RSA server key; **extendedKeyUsage**
 *   serverAuth; **pathLenConstraint 0**, so that even a trusted copy can
 *   sign no intermediate CA.
 * - **authorityKeyIdentifier** equal to the subject key identifier: RFC
 *   5280 allows it on a self-signed certificate, and OpenSSL counts a
 *   certificate as self-signed only if its AKI, when present, matches.
 *
 * What this does not suit: verifiers that refuse a CA certificate as the
 * end entity, namely Firefox and rustls/webpki. Those need a separate CA and
 * leaf, which in turn would make the trusted file and the served file
 * differ; none of the Kinesis clients above needs it.
 *
 * The private key, once trusted as a CA by a user who adds it to a system
 * store, could sign certificates for any name, so it is written with mode
 * 0600 and never leaves the data directory.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { domainToASCII } from "node:url";
import {
  ascii,
  bitString,
  boolean,
  explicit,
  implicit,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from "./der.ts";

/** A certificate and its private key, as PEM text and where they were read. */
export interface TlsFiles {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export interface EnsureOptions {
  /** Extra names the service is reached by: IP addresses or DNS names. */
  hosts?: string[];
}

/** The subject and issuer common name. */
export const COMMON_NAME = "Tributary local";

/** The names every generated certificate covers. */
const DEFAULT_HOSTS = ["localhost", "127.0.0.1", "::1"];

const DAY_MS = 24 * 60 * 60 * 1000;
/** About ten years; local certificates are trusted by hand, so they should rarely change. */
const VALIDITY_DAYS = 3650;

const OID = {
  commonName: "2.5.4.3",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5 } as const;

/**
 * Returns the service's generated certificate, creating it on the first
 * call and reusing it after that. Both files are made again when either is
 * missing, unreadable or does not match the other, when the certificate
 * has expired, or when it does not cover every name in `hosts`.
 *
 * @example
 * ```ts
 * const tls = await ensureCertificate(".tributary", { hosts: ["kinesis.local"] });
 * https.createServer({ cert: tls.cert, key: tls.key }, handler);
 * console.log(`trust ${tls.certPath}`);
 * ```
 */
export async function ensureCertificate(
  dataDir: string,
  options: EnsureOptions = {},
): Promise<TlsFiles & { created: boolean }> {
  const dir = path.join(dataDir, "tls");
  const certPath = path.join(dir, "cert.pem");
  const keyPath = path.join(dir, "key.pem");
  const hosts = normalizeHosts([...DEFAULT_HOSTS, ...(options.hosts ?? [])]);

  const existing = await readCertificate(certPath, keyPath).catch(() => undefined);
  if (existing && isCurrent(existing.cert, hosts)) {
    return { ...existing, created: false };
  }

  const { cert, key } = generateCertificate(hosts);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Both files are written in full before either replaces the old one; a
  // crash between the two renames leaves a key that does not match the
  // certificate, which the next call detects and repairs.
  const keyTemp = await writeTemp(keyPath, key, 0o600);
  const certTemp = await writeTemp(certPath, cert, 0o644);
  try {
    await rename(keyTemp, keyPath);
    await rename(certTemp, certPath);
  } catch (error) {
    await Promise.all([rm(keyTemp, { force: true }), rm(certTemp, { force: true })]);
    throw error;
  }
  await syncDirectory(dir);
  return { certPath, keyPath, cert, key, created: true };
}

/**
 * Reads a user's certificate and private key (PEM), checking that both
 * parse and that the key belongs to the certificate. The certificate file
 * may hold a chain; its first certificate must be the server's.
 * Throws an Error with a one-line message naming the file at fault.
 *
 * @example
 * ```ts
 * const tls = await readCertificate(process.env.TLS_CERT, process.env.TLS_KEY);
 * ```
 */
export async function readCertificate(certPath: string, keyPath: string): Promise<TlsFiles> {
  const cert = await readText(certPath, "certificate");
  const key = await readText(keyPath, "key");
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`TLS certificate ${certPath} is not a PEM certificate`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`TLS certificate ${certPath} does not parse: ${reason(error)}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new Error(`TLS key ${keyPath} is not a readable PEM private key: ${reason(error)}`);
  }
  let matches = false;
  try {
    matches = x509.checkPrivateKey(privateKey);
  } catch {
    // A key of another type than the certificate's throws rather than returning false.
  }
  if (!matches) {
    throw new Error(`TLS key ${keyPath} does not match the certificate ${certPath}`);
  }
  return { certPath, keyPath, cert, key };
}

/** A host named in the certificate: one subjectAltName entry. */
type Host = { kind: "dns"; name: string } | { kind: "ip"; address: string; bytes: Uint8Array };

/**
 * Sorts names into IP addresses and DNS names, normalized (brackets and
 * zone ids off IPv6, DNS names lower-case and in punycode) and without
 * duplicates. Throws on anything that is neither.
 */
export function normalizeHosts(hosts: string[]): Host[] {
  const seen = new Set<string>();
  const out: Host[] = [];
  for (const raw of hosts) {
    const host = normalizeHost(raw);
    const id = host.kind === "dns" ? `dns:${host.name}` : `ip:${hex(host.bytes)}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(host);
    }
  }
  return out;
}

function normalizeHost(raw: string): Host {
  const text = raw.trim().replace(/^\[(.*)\]$/, "$1");
  const address = text.replace(/%.*$/, "");
  if (isIP(address) === 4) {
    return { kind: "ip", address, bytes: Uint8Array.from(address.split(".").map(Number)) };
  }
  if (isIP(address) === 6) {
    return { kind: "ip", address, bytes: ipv6Bytes(address) };
  }
  // A leading "*." is a wildcard name (RFC 6125 §6.4.3); the rest must be a DNS name.
  const wildcard = text.startsWith("*.");
  const ascii = domainToASCII(wildcard ? text.slice(2) : text);
  if (ascii === "" || !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/.test(ascii)) {
    throw new Error(`TLS host ${JSON.stringify(raw)} is neither an IP address nor a DNS name`);
  }
  return { kind: "dns", name: (wildcard ? "*." : "") + ascii.replace(/\.$/, "") };
}

/** The 16 octets of an IPv6 address already checked by `isIP`, with `::` and a dotted tail. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = new Array<string>(8 - left.length - right.length).fill("0");
  const bytes = new Uint8Array(16);
  [...left, ...zeros, ...right].forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** Whether a certificate we generated is still good for these hosts. */
function isCurrent(cert: string, hosts: Host[]): boolean {
  const x509 = new X509Certificate(cert);
  const now = Date.now();
  if (x509.validToDate.getTime() <= now || x509.validFromDate.getTime() > now) {
    return false;
  }
  const names = new Set((x509.subjectAltName ?? "").split(", "));
  return hosts.every((host) =>
    host.kind === "ip" ? x509.checkIP(host.address) !== undefined : names.has(`DNS:${host.name}`),
  );
}

/** A fresh key pair and the self-signed certificate described at the top of this file. */
export function generateCertificate(
  hosts: Host[],
  now: Date = new Date(),
): { cert: string; key: string } {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  // RFC 5280 §4.2.1.2 method 1 hashes the subjectPublicKey bits, which for
  // RSA are the PKCS #1 RSAPublicKey; RFC 7093 allows SHA-256 cut to 160 bits.
  const rsaPublicKey = publicKey.export({ type: "pkcs1", format: "der" });
  const keyId = new Uint8Array(createHash("sha256").update(rsaPublicKey).digest().subarray(0, 20));

  // A positive serial of at most 20 octets (RFC 5280 §4.1.2.2), 64+ random bits (CA/B BR 7.1).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;

  const name = sequence(set(sequence(oid(OID.commonName), utf8String(COMMON_NAME))));
  const signatureAlgorithm = sequence(oid(OID.sha256WithRSAEncryption), nullValue());
  const notBefore = new Date(Math.floor((now.getTime() - DAY_MS) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + (VALIDITY_DAYS + 1) * DAY_MS);

  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence(boolean(true), integer(0n))),
    extension(
      OID.keyUsage,
      true,
      namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment, KEY_USAGE.keyCertSign]),
    ),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...hosts.map(generalName))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyId))),
  );

  const tbs = sequence(
    explicit(0, integer(2n)), // v3
    unsignedInteger(serial),
    signatureAlgorithm,
    name, // issuer
    sequence(time(notBefore), time(notAfter)),
    name, // subject
    spki,
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = sequence(tbs, signatureAlgorithm, bitString(new Uint8Array(signature)));

  return {
    cert: pem("CERTIFICATE", der),
    key: String(privateKey.export({ type: "pkcs8", format: "pem" })),
  };
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a BOOLEAN equal to its DEFAULT (X.690 §11.5).
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** GeneralName: dNSName [2] IA5String, iPAddress [7] OCTET STRING (RFC 5280 §4.2.1.6). */
function generalName(host: Host): Uint8Array {
  if (host.kind === "ip") {
    return implicit(7, host.bytes);
  }
  return implicit(2, ascii(host.name));
}

function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Writes a whole file beside its destination and flushes it, for an atomic rename. */
async function writeTemp(destination: string, text: string, mode: number): Promise<string> {
  const temp = `${destination}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", mode);
  try {
    await handle.writeFile(text);
    // The mode given to open is narrowed by the umask; set it exactly.
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Makes the renames durable. Some platforms cannot open a directory; there, skip it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows: directories cannot be opened for fsync.
  }
}

async function readText(file: string, what: "certificate" | "key"): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`TLS ${what} ${file} cannot be read: ${reason(error)}`);
  }
}

/** An error's message on one line. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
