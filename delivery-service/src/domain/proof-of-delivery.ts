import { randomInt, timingSafeEqual } from 'node:crypto';
import type { DeliveryMethod, DeliveryProof, DeliverySnapshot, DeliveryStatus, ProofFile, ProofKind } from '@orderpulse/contracts';
import type { StoredProofFile } from '../data-access/proof-files.js';
import { DeliveryNotAssignedError, DeliveryNotFoundError, PinLockedError, ProofNotAskedError, ProofNotNowError, WrongPinError } from './delivery-errors.js';
import { snapshotEvent } from './delivery-events.js';
import type { DeliveryUseCaseDeps } from './delivery-use-case-deps.js';
import { writeDeliveryChange, type DeliveryWriteResult } from './write-delivery-change.js';

/** The shop's setting (PROOF_OF_DELIVERY) and the PIN's attempt budget (PIN_MAX_ATTEMPTS). */
export interface ProofPolicy {
  shopProof: ProofKind;
  maxPinAttempts: number;
}

/** Proof is given at the door, while the parcel is on its way. */
const HANDOVER: readonly DeliveryStatus[] = ['picked_up', 'in_transit'];

/**
 * The proof a delivery needs: the shop's choice when the parcel is handed to the customer (or no
 * method was given); a photo where nobody takes it (left at the door, in a safe place), since
 * nobody is there to read a PIN or sign. A shop that asks for no proof gets none either way.
 */
export function requiredProof(shopProof: ProofKind, method: DeliveryMethod | undefined): ProofKind {
  if (shopProof === 'none') return 'none';
  if (method === 'leave_at_door' || method === 'safe_place') return 'photo';
  return shopProof;
}

/** A 4-digit PIN (0000–9999) from the CSPRNG. */
export function newPin(): string {
  return String(randomInt(0, 10_000)).padStart(4, '0');
}

export function newProof(required: ProofKind): DeliveryProof {
  return { required, ...(required === 'pin' ? { pin: newPin() } : {}), failedPinAttempts: 0 };
}

/** Whether "delivered" may be accepted from a rider: no proof asked (or a delivery from before proofs), or the proof given. */
export function proofSatisfied(delivery: Pick<DeliverySnapshot, 'proof'>): boolean {
  const proof = delivery.proof;
  return !proof || proof.required === 'none' || proof.givenAt !== undefined;
}

/** What a rider may see of a delivery: everything but the PIN (the customer reads it out). */
export function forRider(delivery: DeliverySnapshot): DeliverySnapshot {
  if (!delivery.proof?.pin) return delivery;
  const { pin: _pin, ...proof } = delivery.proof;
  return { ...delivery, proof };
}

function samePin(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface PinEntry {
  deliveryId: string;
  /** The rider entering it; absent when an admin does. */
  riderId?: string;
  pin: string;
}

function assertHandover(current: DeliverySnapshot, riderId: string | undefined, given: ProofKind): DeliveryProof {
  if (riderId !== undefined && current.rider?.id !== riderId) throw new DeliveryNotAssignedError(riderId, current.id);
  const proof = current.proof;
  if (!proof || proof.required !== given) throw new ProofNotAskedError(current.id, given, proof?.required ?? 'none');
  if (!HANDOVER.includes(current.status)) throw new ProofNotNowError(current.id, current.status);
  return proof;
}

/**
 * The rider enters the PIN the customer reads out. Right: the proof is given (once; entering it
 * again changes nothing). Wrong: counted, and at `maxPinAttempts` wrong ones locked until an
 * admin unlocks it; the count is written (with a delivery.proof_updated) before WrongPinError is
 * thrown, so neither a retry nor another instance gets more attempts. Locked: PinLockedError
 * without comparing.
 */
export async function enterPin(deps: DeliveryUseCaseDeps, entry: PinEntry): Promise<DeliveryWriteResult> {
  const now = deps.clock();
  const result = await writeDeliveryChange(deps, entry.deliveryId, (current) => {
    const proof = assertHandover(current, entry.riderId, 'pin');
    if (proof.givenAt) return { unchanged: 'PIN already entered' };
    if (proof.lockedAt) throw new PinLockedError(current.id);
    const right = proof.pin !== undefined && samePin(proof.pin, entry.pin);
    const failed = right ? proof.failedPinAttempts : proof.failedPinAttempts + 1;
    const locked = !right && failed >= deps.proofPolicy.maxPinAttempts;
    const nextProof: DeliveryProof = {
      ...proof,
      failedPinAttempts: failed,
      ...(right ? { givenAt: now.toISOString() } : {}),
      ...(locked ? { lockedAt: now.toISOString() } : {}),
    };
    const next: DeliverySnapshot = { ...current, proof: nextProof, version: current.version + 1, updatedAt: now.toISOString() };
    return { next, event: snapshotEvent('delivery.proof_updated', next) };
  });
  const proof = result.delivery.proof;
  const ids = { deliveryId: entry.deliveryId, orderId: result.delivery.orderId, riderId: entry.riderId };
  if (proof?.givenAt) {
    if (result.changed) deps.logger.info(ids, 'delivery PIN entered');
    return result;
  }
  const left = Math.max(0, deps.proofPolicy.maxPinAttempts - (proof?.failedPinAttempts ?? 0));
  deps.logger.warn({ ...ids, attemptsLeft: left, locked: proof?.lockedAt !== undefined }, 'wrong delivery PIN');
  throw new WrongPinError(entry.deliveryId, left);
}

/** An admin lets the rider try again after too many wrong PINs: the count starts over. */
export async function unlockPin(deps: DeliveryUseCaseDeps, deliveryId: string): Promise<DeliveryWriteResult> {
  const now = deps.clock();
  const result = await writeDeliveryChange(deps, deliveryId, (current) => {
    const proof = current.proof;
    if (!proof || proof.required !== 'pin') throw new ProofNotAskedError(current.id, 'pin', proof?.required ?? 'none');
    if (!proof.lockedAt && proof.failedPinAttempts === 0) return { unchanged: 'not locked' };
    const { lockedAt: _locked, ...rest } = proof;
    const next: DeliverySnapshot = { ...current, proof: { ...rest, failedPinAttempts: 0 }, version: current.version + 1, updatedAt: now.toISOString() };
    return { next, event: snapshotEvent('delivery.proof_updated', next) };
  });
  if (result.changed) deps.logger.info({ deliveryId, orderId: result.delivery.orderId }, 'delivery PIN unlocked by an admin');
  return result;
}

export interface ProofUpload {
  deliveryId: string;
  riderId?: string;
  kind: ProofFile['kind'];
  file: StoredProofFile;
}

/** Whether this rider may give this kind of proof for the delivery now; checked before an upload's body is read. */
export async function assertProofUploadAllowed(deps: Pick<DeliveryUseCaseDeps, 'store'>, upload: Omit<ProofUpload, 'file'>): Promise<void> {
  const stored = await deps.store.deliveries.findById(upload.deliveryId);
  if (!stored) throw new DeliveryNotFoundError(upload.deliveryId);
  assertHandover(stored.delivery, upload.riderId, upload.kind);
}

/**
 * A photo or signature of the handover (type and size checked by the caller). Checked against
 * the delivery first, then stored, then recorded on the delivery with a delivery.proof_updated;
 * a later one replaces it. If the record fails after the file was stored, the next upload
 * replaces the file.
 */
export async function recordProofFile(deps: DeliveryUseCaseDeps, upload: ProofUpload): Promise<DeliveryWriteResult> {
  await assertProofUploadAllowed(deps, upload);
  await deps.proofFiles.put(upload.deliveryId, upload.file);
  const now = deps.clock();
  const result = await writeDeliveryChange(deps, upload.deliveryId, (current) => {
    const proof = assertHandover(current, upload.riderId, upload.kind);
    const file: ProofFile = { kind: upload.kind, contentType: upload.file.contentType, bytes: upload.file.bytes.length, at: now.toISOString() };
    const next: DeliverySnapshot = {
      ...current,
      proof: { ...proof, file, givenAt: now.toISOString() },
      version: current.version + 1,
      updatedAt: now.toISOString(),
    };
    return { next, event: snapshotEvent('delivery.proof_updated', next) };
  });
  deps.logger.info(
    { deliveryId: upload.deliveryId, orderId: result.delivery.orderId, riderId: upload.riderId, kind: upload.kind, bytes: upload.file.bytes.length },
    'delivery proof stored',
  );
  return result;
}
