import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Schema, type Connection } from 'mongoose';
import { PROOF_CONTENT_TYPES, type ProofFile } from '@orderpulse/contracts';

/** A photo or signature as stored: its type and bytes (size and type were checked before). */
export interface StoredProofFile {
  contentType: ProofFile['contentType'];
  bytes: Buffer;
}

/**
 * Where proof photos and signatures live, one per delivery (a later one replaces it): MongoDB
 * (`proof_files`, a 2 MB image is far below the 16 MB document limit), a folder (PROOF_DIR, or
 * the journaled store's directory), or memory.
 */
export interface ProofFileStore {
  put(deliveryId: string, file: StoredProofFile): Promise<void>;
  get(deliveryId: string): Promise<StoredProofFile | null>;
}

export function createInMemoryProofFiles(): ProofFileStore {
  const files = new Map<string, StoredProofFile>();
  return {
    put: async (deliveryId, file) => void files.set(deliveryId, { contentType: file.contentType, bytes: Buffer.from(file.bytes) }),
    get: async (deliveryId) => files.get(deliveryId) ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTENSIONS: Record<StoredProofFile['contentType'], string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** `<dir>/<deliveryId>.<ext>`, written to a temporary name and renamed, so a reader never sees half a file. */
export function createFolderProofFiles(dir: string): ProofFileStore {
  const pathOf = (deliveryId: string, type: StoredProofFile['contentType']) => {
    if (!UUID.test(deliveryId)) throw new Error(`not a delivery id: ${deliveryId.slice(0, 64)}`);
    return join(dir, `${deliveryId.toLowerCase()}.${EXTENSIONS[type]}`);
  };
  return {
    async put(deliveryId, file) {
      await mkdir(dir, { recursive: true });
      const path = pathOf(deliveryId, file.contentType);
      await writeFile(`${path}.tmp`, file.bytes);
      await rename(`${path}.tmp`, path);
      // Only one of the three types is kept: the newest.
      for (const other of PROOF_CONTENT_TYPES) {
        if (other !== file.contentType) await rm(pathOf(deliveryId, other), { force: true });
      }
    },
    async get(deliveryId) {
      for (const contentType of PROOF_CONTENT_TYPES) {
        try {
          return { contentType, bytes: await readFile(pathOf(deliveryId, contentType)) };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      return null;
    },
  };
}

interface ProofFileDocument {
  _id: string;
  contentType: StoredProofFile['contentType'];
  bytes: Buffer;
}

const proofFileSchema: Schema = new Schema(
  { _id: { type: String, required: true }, contentType: { type: String, enum: PROOF_CONTENT_TYPES, required: true }, bytes: { type: Buffer, required: true } },
  { versionKey: false, autoIndex: false, collection: 'proof_files' },
);

export function openMongoProofFiles(connection: Connection): ProofFileStore {
  const files = connection.model<ProofFileDocument>('ProofFile', proofFileSchema);
  return {
    async put(deliveryId, file) {
      await files.replaceOne({ _id: deliveryId }, { _id: deliveryId, contentType: file.contentType, bytes: file.bytes }, { upsert: true });
    },
    async get(deliveryId) {
      const doc = await files.findById(deliveryId).lean<{ contentType: StoredProofFile['contentType']; bytes: Buffer | { buffer: ArrayBuffer } }>();
      if (!doc) return null;
      const bytes = Buffer.isBuffer(doc.bytes) ? doc.bytes : Buffer.from((doc.bytes as { buffer: ArrayBuffer }).buffer);
      return { contentType: doc.contentType, bytes };
    },
  };
}
