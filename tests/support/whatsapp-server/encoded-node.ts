import { encodeBinaryNode, type BinaryNode } from '@whiskeysockets/baileys';

/**
 * A node encoded once and sent as those bytes again: Baileys' encoder needs ~20 ms for a
 * 1,024-member `<group>`, which the local server would otherwise spend on every metadata
 * answer and charge to the console's Sync Members figure. Real WhatsApp's cost is its own.
 */
export class EncodedNode {
  readonly bytes: Buffer;

  constructor(node: BinaryNode) {
    this.bytes = encodeBinaryNode(node, undefined, []);
  }
}

/** A node as the server writes it: children may be nodes or already encoded ones. */
export interface WireNode {
  tag: string;
  attrs: BinaryNode['attrs'];
  content?: (WireNode | EncodedNode)[] | string | Uint8Array;
}

const LIST_EMPTY = 0;
const LIST_8 = 248;
const LIST_16 = 249;
const PLACEHOLDER: BinaryNode = { tag: 'p', attrs: {} };
const PLACEHOLDER_BYTES = encodeBinaryNode(PLACEHOLDER, undefined, []).length;

function listStart(size: number): Buffer {
  if (size === 0) return Buffer.from([LIST_EMPTY]);
  if (size < 256) return Buffer.from([LIST_8, size]);
  return Buffer.from([LIST_16, (size >> 8) & 0xff, size & 0xff]);
}

const holdsEncoded = (node: WireNode | EncodedNode): boolean =>
  node instanceof EncodedNode || (Array.isArray(node.content) && node.content.some(holdsEncoded));

function innerParts(node: WireNode | EncodedNode): Buffer[] {
  if (node instanceof EncodedNode) return [node.bytes];
  const { content } = node;
  if (!Array.isArray(content) || !content.some(holdsEncoded)) return [encodeBinaryNode(node as BinaryNode, undefined, [])];
  // The node's own header and attributes, as the encoder writes them before a one-child list.
  const head = encodeBinaryNode({ tag: node.tag, attrs: node.attrs, content: [PLACEHOLDER] }, undefined, []);
  const prefix = head.subarray(0, head.length - PLACEHOLDER_BYTES - listStart(1).length);
  return [prefix, listStart(content.length), ...content.flatMap(innerParts)];
}

/** The same bytes `encodeBinaryNode` would write for the node with every encoded child expanded. */
export function encodeWireNode(node: WireNode): Buffer {
  return Buffer.concat([Buffer.from([0]), ...innerParts(node)]);
}
