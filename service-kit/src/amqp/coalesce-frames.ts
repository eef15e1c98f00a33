/**
 * amqplib queues every frame (a publish, an ack) on its channel's buffer and a muxer copies them
 * to the socket on the next turn of the event loop, one `socket.write` per frame: N acks or
 * publishes made in one turn cost N system calls, each a trip through the kernel's TCP stack.
 * Corking the socket while the muxer copies makes them leave in one `writev`, in the same order.
 *
 * This reaches into amqplib's connection (`connection.muxer`, its `_readIncoming` and `out`); when
 * those are not there (another amqplib), nothing is changed and frames go out one write each, as
 * before. service-kit's `amqp-write-coalescing` test fails then.
 */
interface Muxer {
  out?: { cork?: () => void; uncork?: () => void };
  _readIncoming?: () => void;
  coalesced?: boolean;
}

/** `connection` is what amqp-connection-manager's 'connect' event carries (amqplib's ChannelModel). */
export function coalesceFrameWrites(connection: unknown): boolean {
  const muxer = (connection as { connection?: { muxer?: Muxer } } | undefined)?.connection?.muxer;
  const out = muxer?.out;
  const readIncoming = muxer?._readIncoming;
  if (!muxer || typeof readIncoming !== 'function' || typeof out?.cork !== 'function' || typeof out.uncork !== 'function') return false;
  if (muxer.coalesced) return true;
  const cork = out.cork.bind(out);
  const uncork = out.uncork.bind(out);
  muxer._readIncoming = function (this: Muxer) {
    cork();
    try {
      readIncoming.call(this);
    } finally {
      uncork();
    }
  };
  muxer.coalesced = true;
  return true;
}
