import { decodeBinaryNode, proto, type BinaryNode, type KeyPair } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import { encodeWireNode, type WireNode } from './encoded-node.js';
import { NoiseResponder, selfMadeCertChain } from './noise-responder.js';

export type HandshakeFault = 'close-after-hello' | 'bad-issuer-serial';

export interface WireHandlers {
  /** The handshake finished; `payload` says whether this is a registration or a login. */
  handshake(connection: WireConnection): void;
  node(connection: WireConnection, node: BinaryNode): void;
  closed(connection: WireConnection): void;
  log(line: string): void;
}

const ROUTING_PREFIX = Buffer.from('ED');
const INTRO_LENGTH = 4; // "WA" + protocol version bytes

/** One client socket: intro, 3-byte length framing, the Noise handshake, then binary nodes. */
export class WireConnection {
  readonly noise: NoiseResponder;
  clientStatic: Buffer | null = null;
  payload: proto.ClientPayload | null = null;
  private inBytes = Buffer.alloc(0);
  private sawIntro = false;
  private stage: 'hello' | 'finish' | 'transport' = 'hello';
  private nextTag = 1;
  private queue: Promise<void> = Promise.resolve();
  /** Set by the server once the client is logged in, so pushes go to the right socket. */
  loggedIn = false;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    staticKey: KeyPair,
    private readonly handlers: WireHandlers,
    private readonly fault: HandshakeFault | null,
  ) {
    this.noise = new NoiseResponder(staticKey);
    this.staticPublic = staticKey.public;
    ws.on('message', (data: Buffer) => {
      // Frames are handled in arrival order even when one handler is slow.
      this.queue = this.queue
        .then(() => this.onData(Buffer.from(data)))
        .catch((error: unknown) => {
          handlers.log(`connection ${id}: ${error instanceof Error ? error.message : String(error)}`);
        });
    });
    ws.on('close', () => handlers.closed(this));
  }

  private readonly staticPublic: Uint8Array;

  get isRegistration(): boolean {
    return Boolean(this.payload?.devicePairingData);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  newTag(): string {
    return `srv.${this.id}.${this.nextTag++}`;
  }

  sendNode(node: WireNode): void {
    if (!this.open || !this.noise.ready) return;
    this.sendFrame(this.noise.seal(encodeWireNode(node)));
  }

  /** Bytes that are not a valid sealed frame: the client cannot decrypt them. */
  sendGarbage(length = 48): void {
    if (this.open) this.sendFrame(Buffer.alloc(length, 0x5a));
  }

  terminate(): void {
    this.ws.terminate();
  }

  private sendFrame(bytes: Uint8Array): void {
    const frame = Buffer.alloc(3 + bytes.length);
    frame.writeUIntBE(bytes.length, 0, 3);
    frame.set(bytes, 3);
    this.ws.send(frame);
  }

  private async onData(data: Buffer): Promise<void> {
    this.inBytes = Buffer.concat([this.inBytes, data]);
    if (!this.sawIntro) {
      if (this.inBytes.length < INTRO_LENGTH) return;
      if (this.inBytes.subarray(0, 2).equals(ROUTING_PREFIX)) {
        const length = (this.inBytes[4]! << 16) | this.inBytes.readUInt16BE(5);
        this.inBytes = this.inBytes.subarray(7 + length);
      }
      this.inBytes = this.inBytes.subarray(INTRO_LENGTH);
      this.sawIntro = true;
    }
    while (this.inBytes.length >= 3) {
      const size = this.inBytes.readUIntBE(0, 3);
      if (this.inBytes.length < size + 3) return;
      const frame = Buffer.from(this.inBytes.subarray(3, size + 3));
      this.inBytes = this.inBytes.subarray(size + 3);
      await this.onFrame(frame);
    }
  }

  private async onFrame(frame: Buffer): Promise<void> {
    if (this.stage === 'hello') {
      const hello = proto.HandshakeMessage.decode(frame).clientHello;
      if (!hello?.ephemeral) throw new Error('client hello without an ephemeral key');
      if (this.fault === 'close-after-hello') {
        this.ws.close();
        return;
      }
      const chain = selfMadeCertChain(this.staticPublic, this.fault === 'bad-issuer-serial' ? 5 : 0);
      this.sendFrame(this.noise.serverHello(hello.ephemeral, chain));
      this.stage = 'finish';
      return;
    }
    if (this.stage === 'finish') {
      const finish = proto.HandshakeMessage.decode(frame).clientFinish;
      if (!finish) throw new Error('expected the client finish');
      const { clientStatic, payload } = this.noise.clientFinish(finish);
      this.clientStatic = clientStatic;
      this.payload = payload;
      this.stage = 'transport';
      this.handlers.handshake(this);
      return;
    }
    this.handlers.node(this, await decodeBinaryNode(this.noise.open(frame)));
  }
}
