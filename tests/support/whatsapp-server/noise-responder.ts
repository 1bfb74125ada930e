import {
  Curve,
  NOISE_MODE,
  NOISE_WA_HEADER,
  aesDecryptGCM,
  aesEncryptGCM,
  hkdf,
  proto,
  sha256,
  type KeyPair,
} from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';

const counterIv = (counter: number): Buffer => {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
};

/**
 * The server half of WhatsApp's Noise XX handshake (Noise_XX_25519_AESGCM_SHA256 with the
 * "WA" prologue), step for step the mirror of what the client does, then the transport
 * cipher pair. Everything is Baileys' own exported primitives, so the two sides agree by
 * construction.
 */
export class NoiseResponder {
  private readonly ephemeral = Curve.generateKeyPair();
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private transport: { read: Buffer; write: Buffer; readCounter: number; writeCounter: number } | null = null;

  constructor(private readonly staticKey: KeyPair) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.length === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.mix(NOISE_WA_HEADER);
  }

  get ready(): boolean {
    return this.transport !== null;
  }

  /** Answers the client's hello: our ephemeral key, our static key and the certificate chain, both encrypted. */
  serverHello(clientEphemeral: Uint8Array, certChain: Uint8Array): Uint8Array {
    this.mix(clientEphemeral);
    this.mix(this.ephemeral.public);
    this.mixKey(Curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const encryptedStatic = this.encryptHandshake(this.staticKey.public);
    this.mixKey(Curve.sharedKey(this.staticKey.private, clientEphemeral));
    const payload = this.encryptHandshake(certChain);
    return proto.HandshakeMessage.encode({ serverHello: { ephemeral: this.ephemeral.public, static: encryptedStatic, payload } }).finish();
  }

  /** Reads the client's finish: its static (noise) key and its ClientPayload; switches to transport keys. */
  clientFinish(finish: proto.HandshakeMessage.IClientFinish): { clientStatic: Buffer; payload: proto.ClientPayload } {
    if (!finish.static || !finish.payload) throw new Error('client finish without static key or payload');
    const clientStatic = this.decryptHandshake(finish.static);
    this.mixKey(Curve.sharedKey(this.ephemeral.private, clientStatic));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(finish.payload));
    const keys = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }));
    // The client writes with the first half and reads with the second.
    this.transport = { read: keys.subarray(0, 32), write: keys.subarray(32), readCounter: 0, writeCounter: 0 };
    return { clientStatic, payload };
  }

  seal(plaintext: Uint8Array): Buffer {
    const transport = this.requireTransport();
    return aesEncryptGCM(plaintext, transport.write, counterIv(transport.writeCounter++), Buffer.alloc(0));
  }

  open(ciphertext: Uint8Array): Buffer {
    const transport = this.requireTransport();
    return aesDecryptGCM(ciphertext, transport.read, counterIv(transport.readCounter++), Buffer.alloc(0));
  }

  private requireTransport(): NonNullable<NoiseResponder['transport']> {
    if (!this.transport) throw new Error('the Noise handshake has not finished');
    return this.transport;
  }

  private mix(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixKey(data: Uint8Array): void {
    const derived = Buffer.from(hkdf(Buffer.from(data), 64, { salt: this.salt, info: '' }));
    this.salt = derived.subarray(0, 32);
    this.key = derived.subarray(32);
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const ciphertext = aesEncryptGCM(plaintext, this.key, counterIv(this.counter++), this.hash);
    this.mix(ciphertext);
    return ciphertext;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const plaintext = aesDecryptGCM(ciphertext, this.key, counterIv(this.counter++), this.hash);
    this.mix(ciphertext);
    return plaintext;
  }
}

/**
 * A certificate chain of our own making. The leaf (our static key) is properly signed by our
 * intermediate; the intermediate cannot be signed by WhatsApp's root, so it carries a random
 * signature. Baileys rc14 accepts it because its Curve.verify ignores libsignal's verdict and
 * only the issuer serial (0) is enforced.
 */
export function selfMadeCertChain(serverStaticPublic: Uint8Array, issuerSerial = 0): Uint8Array {
  const intermediateKey = Curve.generateKeyPair();
  const notAfter = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial,
    key: intermediateKey.public,
    notBefore: 0,
    notAfter,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStaticPublic,
    notBefore: 0,
    notAfter,
  }).finish();
  return proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: randomBytes(64) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediateKey.private, leafDetails) },
  }).finish();
}
