/** What the guard found in the bytes it was shown. */
export type GuardVerdict =
  { ok: true } | { ok: false; problem: 'too_large'; packetType: number; announcedBytes: number; limitBytes: number } | { ok: false; problem: 'malformed' };

const OK: GuardVerdict = { ok: true };
const MALFORMED: GuardVerdict = { ok: false, problem: 'malformed' };

/** MQTT 3.1.1 control packet type names by the high nibble of the first byte (§2.2.1). */
export const PACKET_TYPES = [
  'reserved',
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'reserved',
] as const;

/**
 * Follows the packet boundaries of one MQTT byte stream without keeping any of its bytes: it
 * decodes each fixed header's remaining length (§2.2.3: 1 to 4 bytes, 7 bits each) and skips the
 * body. A packet whose announced length is over `limitBytes()` (asked once per packet, when its
 * header is complete) is refused before a byte of its body is read, so a client announcing
 * 256 MiB costs the broker nothing but the header. Once it has refused, the stream is over.
 */
export class PacketLengthGuard {
  private bodyLeft = 0;
  private inHeader = false;
  private packetType = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private verdict: GuardVerdict = OK;

  constructor(private readonly limitBytes: () => number) {}

  /** Looks at the next bytes of the stream, in order; every later call repeats a refusal. */
  check(chunk: Uint8Array): GuardVerdict {
    if (!this.verdict.ok) return this.verdict;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.bodyLeft > 0) {
        const skip = Math.min(this.bodyLeft, n - i);
        this.bodyLeft -= skip;
        i += skip;
        continue;
      }
      const byte = chunk[i++] as number;
      if (!this.inHeader) {
        this.inHeader = true;
        this.packetType = byte >> 4;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        // [MQTT-2.2.3] at most four bytes; a fifth continuation is not MQTT.
        if (this.lengthBytes === 4) return (this.verdict = MALFORMED);
        continue;
      }
      this.inHeader = false;
      const limit = this.limitBytes();
      if (this.length > limit) {
        return (this.verdict = { ok: false, problem: 'too_large', packetType: this.packetType, announcedBytes: this.length, limitBytes: limit });
      }
      this.bodyLeft = this.length;
    }
    return OK;
  }
}
