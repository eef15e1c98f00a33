import { PROOF_CONTENT_TYPES, type ProofFile } from '@orderpulse/contracts';
import { HttpError } from '@orderpulse/service-kit';
import type { StoredProofFile } from '../data-access/proof-files.js';

type ContentType = ProofFile['contentType'];

/** The first bytes each accepted type starts with: the declared type must match the bytes. */
function matchesType(bytes: Buffer, type: ContentType): boolean {
  switch (type) {
    case 'image/jpeg':
      return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case 'image/png':
      return bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/webp':
      return bytes.length > 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  }
}

interface UploadRequest {
  get(field: string): string;
  set(field: string, value: string): void;
  req: NodeJS.ReadableStream;
}

/** The body's bytes, or undefined once it grows past `maxBytes` (reading stops there; the rest is never read). */
function readAtMost(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (value: Buffer | undefined, err?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      total += buffer.length;
      if (total > maxBytes) {
        stream.pause();
        done(undefined);
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = (err: Error) => done(undefined, err);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Reads an image body: the type and the declared length are checked before anything is read
 * (415, 413), the bytes counted as they come (413 past `maxBytes` even without a length), then
 * the first bytes checked against the type (400).
 */
export async function readProofImage(ctx: UploadRequest, maxBytes: number): Promise<StoredProofFile> {
  const contentType = ctx.get('content-type').split(';')[0]!.trim().toLowerCase();
  if (!(PROOF_CONTENT_TYPES as readonly string[]).includes(contentType)) {
    throw new HttpError(
      415,
      'unsupported_type',
      `a proof must be sent as ${PROOF_CONTENT_TYPES.join(', ')}; got ${contentType.slice(0, 100) || 'no content type'}`,
    );
  }
  const tooLarge = () => {
    // The rest of the body is never read: the connection closes after this answer.
    ctx.set('Connection', 'close');
    return new HttpError(413, 'too_large', `a proof image may have at most ${maxBytes} bytes`, { maxBytes });
  };
  const declared = Number(ctx.get('content-length') || Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const bytes = await readAtMost(ctx.req, maxBytes);
  if (!bytes) throw tooLarge();
  if (bytes.length === 0) throw new HttpError(400, 'empty_body', 'the proof image is empty');
  if (!matchesType(bytes, contentType as ContentType)) throw new HttpError(400, 'not_an_image', `the body is not a ${contentType} image`);
  return { contentType: contentType as ContentType, bytes };
}
