import { describe, it, expect } from '@jest/globals';
import * as mqttPacket from 'mqtt-packet';
import { PacketLengthGuard } from '../src/admission/packet-length-guard.js';
import { headerAnnouncing } from './helpers/flood.js';

const publish = (payloadBytes: number) =>
  mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(payloadBytes, 7), qos: 0, retain: false, dup: false });
const PINGREQ = Buffer.from([0xc0, 0x00]);

/** Feeds `bytes` in pieces of `size` and returns every verdict. */
function feed(guard: PacketLengthGuard, bytes: Buffer, size: number) {
  const verdicts = [];
  for (let i = 0; i < bytes.length; i += size) verdicts.push(guard.check(bytes.subarray(i, i + size)));
  return verdicts;
}

describe('the packet length guard (MQTT remaining-length decoder)', () => {
  it.each([1, 2, 3, 7, 64, 100_000])('when packets within the limit arrive in pieces of %i bytes, then every piece passes', (size) => {
    const guard = new PacketLengthGuard(() => 200);
    const stream = Buffer.concat([publish(150), PINGREQ, publish(0), publish(195), PINGREQ]);
    expect(feed(guard, stream, size).every((v) => v.ok)).toBe(true);
  });

  it('when a header announces more than the limit, then it is refused on the header itself, before any byte of the body', () => {
    const guard = new PacketLengthGuard(() => 4_096);
    const header = headerAnnouncing(1, 268_435_455); // the largest MQTT allows, ~256 MiB
    expect(guard.check(header)).toEqual({ ok: false, problem: 'too_large', packetType: 1, announcedBytes: 268_435_455, limitBytes: 4_096 });
  });

  it('when the length bytes of a too-large header arrive one at a time, then the refusal comes with the last length byte', () => {
    const guard = new PacketLengthGuard(() => 100);
    const header = headerAnnouncing(3, 50_000_000);
    const verdicts = feed(guard, header, 1);
    expect(verdicts.slice(0, -1).every((v) => v.ok)).toBe(true);
    expect(verdicts.at(-1)).toMatchObject({ ok: false, problem: 'too_large', packetType: 3, announcedBytes: 50_000_000 });
  });

  it('when a packet at exactly the limit is followed by one over it, then the first passes and the second is refused', () => {
    const guard = new PacketLengthGuard(() => 2 + 3 + 100);
    expect(guard.check(publish(100))).toEqual({ ok: true });
    expect(guard.check(publish(101))).toMatchObject({ ok: false, announcedBytes: 2 + 3 + 101 });
  });

  it('when the limit changes (CONNECT accepted), then each packet is held to the limit in force when its header completes', () => {
    let limit = 10;
    const guard = new PacketLengthGuard(() => limit);
    expect(guard.check(publish(5))).toEqual({ ok: true });
    limit = 1_000;
    expect(guard.check(publish(900))).toEqual({ ok: true });
    limit = 10;
    expect(guard.check(publish(50))).toMatchObject({ ok: false, limitBytes: 10 });
  });

  it('when the remaining length runs past four bytes, then the stream is refused as malformed', () => {
    const guard = new PacketLengthGuard(() => Number.MAX_SAFE_INTEGER);
    expect(guard.check(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toEqual({ ok: false, problem: 'malformed' });
  });

  it('when it has refused once, then every later piece is refused too (the stream is over)', () => {
    const guard = new PacketLengthGuard(() => 10);
    const first = guard.check(headerAnnouncing(1, 11));
    expect(first.ok).toBe(false);
    expect(guard.check(PINGREQ)).toEqual(first);
  });

  it('when 256 MiB are announced and 64 KiB of zeros follow in the same piece, then the guard refuses without reading past the header', () => {
    const guard = new PacketLengthGuard(() => 4_096);
    const piece = Buffer.concat([headerAnnouncing(1, 268_435_455), Buffer.alloc(64 * 1024)]);
    expect(guard.check(piece)).toMatchObject({ ok: false, problem: 'too_large', announcedBytes: 268_435_455 });
  });
});
