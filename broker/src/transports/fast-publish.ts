import type { Writable } from 'node:stream';
import * as mqttPacket from 'mqtt-packet';

/**
 * Every delivery aedes makes goes through mqtt-packet's `writeToStream(packet, client.conn)`,
 * which writes a PUBLISH as 5–6 chunks (header, length, topic length, topic, message id,
 * payload) inside cork/uncork, with several `debug()` calls on the way; for one message fanned
 * out to N subscribers it encodes the same bytes N times. For streams our transports hand to
 * aedes (marked with FAST_PUBLISH), PUBLISH packets are instead encoded here into one buffer and
 * written with a single `write`:
 * - QoS 0: the bytes are the same for every subscriber, so the last encoding is reused while
 *   the same payload goes to the same topic with the same flags (a fan-out), and shared;
 * - QoS 1/2: the same, copied with this delivery's message id patched in.
 * PUBACKs (one per QoS 1 message a publisher sends) are written as one 4-byte buffer too, those
 * of one task joined in one system call (joinPubacksOfThisTask), and PINGRESPs as one shared
 * 2-byte buffer.
 * Everything else (other packets, other streams, anything unusual) goes to mqtt-packet as before.
 * aedes speaks MQTT 3.1.1 and calls writeToStream without options, so the encoding is 3.1.1's.
 */
export const FAST_PUBLISH = Symbol('orderpulse.fastPublish');

/**
 * Writes one encoded PUBLISH for a stream by another route than `stream.write` (e.g. straight to
 * the socket as a WebSocket frame), or returns undefined when it cannot right now; returns what
 * `stream.write` would (false: wait for the stream's 'drain').
 */
export type PublishWriter = (bytes: Buffer) => boolean | undefined;

const SOCKET = Symbol('orderpulse.socket');

type Marked = Writable & { [FAST_PUBLISH]?: true | PublishWriter; [SOCKET]?: Writable };

/**
 * Marks a stream (a socket, or a WebSocket stream) as one we created for aedes. `socket` is the
 * socket every byte for it ends up in (the stream itself for TCP), corked to join PUBACKs.
 */
export function markFastPublish(stream: Writable, writer?: PublishWriter, socket?: Writable): void {
  (stream as Marked)[FAST_PUBLISH] = writer ?? true;
  if (socket) (stream as Marked)[SOCKET] = socket;
}

interface PublishLike {
  cmd?: string;
  topic?: unknown;
  payload?: unknown;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  messageId?: number;
}

type WriteToStream = (packet: PublishLike, stream: Writable, opts?: object) => boolean;

const EMPTY = Buffer.alloc(0);
const MAX_REMAINING_LENGTH = 268_435_455;

interface Encoded {
  payload: unknown;
  topic: string;
  header: number;
  bytes: Buffer;
  /** Where the message id goes (QoS > 0). */
  idOffset: number;
}

/** The last encoding: one message to many subscribers is written back to back (mqemitter order). */
let last: Encoded | undefined;

function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function encode(topic: string, payload: Buffer, header: number, qos: number): Encoded | undefined {
  const topicBytes = Buffer.byteLength(topic);
  if (topicBytes > 65_535) return undefined;
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payload.length;
  if (remaining > MAX_REMAINING_LENGTH) return undefined;
  const bytes = Buffer.allocUnsafe(1 + varIntLength(remaining) + remaining);
  let offset = 0;
  bytes[offset++] = header;
  let length = remaining;
  do {
    let digit = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) digit |= 0x80;
    bytes[offset++] = digit;
  } while (length > 0);
  bytes[offset++] = topicBytes >> 8;
  bytes[offset++] = topicBytes & 0xff;
  offset += bytes.write(topic, offset, 'utf8');
  const idOffset = offset;
  if (qos > 0) {
    bytes[offset++] = 0;
    bytes[offset++] = 0;
  }
  payload.copy(bytes, offset);
  return { payload, topic, header, bytes, idOffset };
}

/** One PUBLISH packet as one buffer, or undefined to leave it to mqtt-packet. */
export function encodePublish(packet: PublishLike): Buffer | undefined {
  const { topic } = packet;
  if (typeof topic !== 'string' || topic.length === 0) return undefined;
  const qos = packet.qos || 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) return undefined;
  const id = packet.messageId;
  if (qos > 0 && (typeof id !== 'number' || id < 0 || id > 65_535)) return undefined;
  const payload = packet.payload || EMPTY;
  const header = 0x30 | (packet.dup ? 0x08 : 0) | (qos << 1) | (packet.retain ? 0x01 : 0);
  let encoded = last;
  if (encoded === undefined || encoded.payload !== payload || encoded.topic !== topic || encoded.header !== header) {
    let bytes: Buffer;
    if (Buffer.isBuffer(payload)) bytes = payload;
    else if (typeof payload === 'string') bytes = Buffer.from(payload);
    else return undefined;
    encoded = encode(topic, bytes, header, qos);
    if (encoded === undefined) return undefined;
    // Keyed by the original payload (a string payload is re-encoded each time it is not the last).
    encoded.payload = payload;
    last = encoded;
  }
  if (qos === 0) return encoded.bytes;
  const copy = Buffer.allocUnsafe(encoded.bytes.length);
  encoded.bytes.copy(copy);
  copy[encoded.idOffset] = (id as number) >> 8;
  copy[encoded.idOffset + 1] = (id as number) & 0xff;
  return copy;
}

/** A 3.1.1 PUBACK (one per QoS 1 message received from a publisher), or undefined to leave it to mqtt-packet. */
export function encodePuback(packet: PublishLike): Buffer | undefined {
  const id = packet.messageId;
  if (typeof id !== 'number' || id < 0 || id > 65_535) return undefined;
  const bytes = Buffer.allocUnsafe(4);
  bytes[0] = 0x40;
  bytes[1] = 2;
  bytes[2] = id >> 8;
  bytes[3] = id & 0xff;
  return bytes;
}

/** A PINGRESP is always these two bytes; one buffer serves every reply (nothing writes into it). */
const PINGRESP = Buffer.from([0xd0, 0x00]);

/** The packets written here instead of by mqtt-packet, by `cmd`. */
const FAST_ENCODERS = new Map<string, (packet: PublishLike) => Buffer | undefined>([
  ['publish', encodePublish],
  ['puback', encodePuback],
  // Every idle client sends a PINGREQ per keepalive period: 15,000 watching customers with a 60 s
  // keepalive are 250 replies a second.
  ['pingresp', () => PINGRESP],
]);

/**
 * Writes bytes encoded here to a client's stream: by the stream's own writer when it has one
 * (markFastPublish), else `stream.write`. Returns what `stream.write` would.
 */
export function writeEncoded(stream: Writable, bytes: Buffer): boolean {
  const mark = (stream as Marked)[FAST_PUBLISH];
  if (mark !== undefined && mark !== true) {
    const written = mark(bytes);
    if (written !== undefined) return written;
  }
  return stream.write(bytes);
}

const corked = new Set<Writable>();

/**
 * A publisher sending QoS 1 messages back to back gets one PUBACK per message, and aedes writes
 * them one by one as the messages of one read are routed: each its own `write` system call (14 %
 * of the broker's CPU at 10,000 QoS 1 messages/s over TCP). The socket is corked at its first
 * PUBACK and uncorked once the current task is over (process.nextTick, before any I/O or timer),
 * so the PUBACKs written in it, and anything else written to that socket meanwhile, leave in one
 * `writev`, in order. An earlier version uncorked in the next event-loop turn (setImmediate) and
 * held the notifier's PUBACKs ~20 ms in the end-to-end bench (the mechanism was not found; Nagle's
 * algorithm was then still on in the services' clients). This one holds nothing past the task.
 */
function joinPubacksOfThisTask(socket: Writable | undefined): void {
  if (socket === undefined || corked.has(socket) || socket.destroyed) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  corked.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) socket.uncork();
}

let installed = false;

/**
 * Wraps mqtt-packet's writeToStream (the module aedes writes every packet with) once per process.
 * Only PUBLISH, PUBACK and PINGRESP packets to streams marked with FAST_PUBLISH take the new path.
 */
export function installFastPublish(): void {
  if (installed) return;
  installed = true;
  const target = ((mqttPacket as unknown as { default?: object }).default ?? mqttPacket) as { writeToStream: WriteToStream };
  const original = target.writeToStream;
  const writeToStream: WriteToStream = (packet, stream, opts) => {
    const encoder = opts === undefined && packet.cmd !== undefined ? FAST_ENCODERS.get(packet.cmd) : undefined;
    if ((stream as Marked)[FAST_PUBLISH] !== undefined && encoder !== undefined) {
      const bytes = encoder(packet);
      if (bytes !== undefined) {
        if (packet.cmd === 'puback') joinPubacksOfThisTask((stream as Marked)[SOCKET]);
        return writeEncoded(stream, bytes);
      }
    }
    return original(packet, stream, opts);
  };
  const cacheNumbers = Object.getOwnPropertyDescriptor(original, 'cacheNumbers');
  if (cacheNumbers) Object.defineProperty(writeToStream, 'cacheNumbers', cacheNumbers);
  target.writeToStream = writeToStream;
}
