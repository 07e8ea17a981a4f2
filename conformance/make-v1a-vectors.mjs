// Makes the Standard Webhooks v1a (Ed25519) vectors of vectors.json with an implementation
// independent of hookd's: Node.js's built-in crypto, which is OpenSSL's Ed25519. The reference
// libraries of standardwebhooks.com publish no v1a vectors, so these are made here, from fixed
// seeds and messages, and checked first against RFC 8032's own test vectors.
//
//   node conformance/make-v1a-vectors.mjs          rewrites conformance/vectors.json
//   node conformance/make-v1a-vectors.mjs --check  fails if the file's keys and signatures differ
//
// Ed25519 is deterministic: the same seed and message always give the same signature, so
// running this again reproduces the file byte for byte.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "vectors.json");

/** PKCS#8 DER of an Ed25519 private key is this prefix, then the 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function keyPair(seed) {
  assert.equal(seed.length, 32);
  const privateKey = crypto.createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const jwk = crypto.createPublicKey(privateKey).export({ format: "jwk" });
  return { privateKey, publicKey: Buffer.from(jwk.x, "base64url") };
}

const sign = (privateKey, message) => crypto.sign(null, message, privateKey);

// RFC 8032 section 7.1, TEST 1 and TEST 2, as printed there (hex).
const rfc8032 = [
  {
    source: "RFC 8032 section 7.1, TEST 1",
    secret_key: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public_key: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    source: "RFC 8032 section 7.1, TEST 2",
    secret_key: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    public_key: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

// Node must reproduce the RFC before anything it makes is trusted.
for (const vector of rfc8032) {
  const { privateKey, publicKey } = keyPair(Buffer.from(vector.secret_key, "hex"));
  assert.equal(publicKey.toString("hex"), vector.public_key, vector.source);
  const signature = sign(privateKey, Buffer.from(vector.message, "hex"));
  assert.equal(signature.toString("hex"), vector.signature, vector.source);
}

const payloadOf = (vector) =>
  vector.payload_repeat ? vector.payload_repeat[0].repeat(vector.payload_repeat[1]) : vector.payload;

/** One v1a vector: the keys in every form hookd reads, and the signature of the message. */
function v1a(seedHex, msgId, timestamp, payload) {
  const seed = Buffer.from(seedHex, "hex");
  const { privateKey, publicKey } = keyPair(seed);
  const vector = {
    source:
      `conformance/make-v1a-vectors.mjs: Node.js ${process.version} crypto (OpenSSL ` +
      `${process.versions.openssl}) Ed25519, key from the PKCS#8 DER of seed_hex, ` +
      "crypto.sign(null, '<msg_id>.<timestamp>.<payload>' as UTF-8, key)",
    seed_hex: seedHex,
    secret_key: `whsk_${Buffer.concat([seed, publicKey]).toString("base64")}`,
    secret_key_seed_only: `whsk_${seed.toString("base64")}`,
    public_key: `whpk_${publicKey.toString("base64")}`,
    msg_id: msgId,
    timestamp,
    ...payload,
  };
  const content = Buffer.from(`${msgId}.${timestamp}.${payloadOf(vector)}`, "utf8");
  vector.signature = `v1a,${sign(privateKey, content).toString("base64")}`;
  return vector;
}

const event = {
  id: "evt_01JD3Q0ZB1X6V7K9T2M4N8P5RS",
  type: "order.created",
  timestamp: "2026-11-22T10:30:00.000Z",
  data: { amount: 42, note: "ünïcode ✓" },
};

const vectors = [
  v1a(
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    1614265330,
    { payload: '{"test": 2432232314}' },
  ),
  v1a(
    rfc8032[0].secret_key,
    event.id,
    1763807400,
    { payload: JSON.stringify(event) },
  ),
  v1a(
    rfc8032[1].secret_key,
    "evt_01JD3Q0ZB1X6V7K9T2M4N8P5RT",
    1763807401,
    { payload: "" },
  ),
  v1a(
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    1614265330,
    { payload_repeat: ["a", 262144] },
  ),
];

const text = fs.readFileSync(file, "utf8");
const all = JSON.parse(text);

// The Svix key pair already in the file: Node must sign its message to the recorded signature.
for (const vector of all.standard_webhooks_v1a_ed25519 ?? []) {
  const keys = Buffer.from(vector.secret_key.slice("whsk_".length), "base64");
  const { privateKey, publicKey } = keyPair(keys.subarray(0, 32));
  assert.equal(`whpk_${publicKey.toString("base64")}`, vector.public_key);
  assert.deepEqual(keys.subarray(32), publicKey);
  const content = Buffer.from(`${vector.msg_id}.${vector.timestamp}.${payloadOf(vector)}`, "utf8");
  assert.equal(`v1a,${sign(privateKey, content).toString("base64")}`, vector.signature);
}

all.standard_webhooks_v1a = vectors;
all.ed25519_rfc8032 = rfc8032;
const made = JSON.stringify(all, null, 1);
if (process.argv.includes("--check")) {
  // Another Node or OpenSSL version only changes the `source` lines: compare the rest.
  const unsourced = (json) => JSON.stringify(JSON.parse(json), (k, v) => (k === "source" ? undefined : v));
  assert.equal(unsourced(made), unsourced(text), "vectors.json differs from what make-v1a-vectors.mjs makes");
  console.log("vectors.json holds what make-v1a-vectors.mjs makes");
} else {
  fs.writeFileSync(file, made);
  console.log(`wrote ${vectors.length} v1a vectors and ${rfc8032.length} RFC 8032 vectors to ${file}`);
}
