import type { Db } from '../db/database.js';
import type { SecretBox } from '../secret-box.js';
import type { Clock } from '../time.js';

/** How long a first response is kept and replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight claim older than this was abandoned (its server died) and may be retried. */
export const IN_FLIGHT_LEASE_MS = 60_000;
/** Expired rows are swept at most this often per process. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface StoredResponse {
  statusCode: number;
  contentType: string | null;
  body: string;
}

/** What a request with an Idempotency-Key may do. */
export type IdempotencyClaim =
  | { kind: 'started' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export interface IdempotencySlot {
  credentialId: string;
  key: string;
}

/**
 * First responses to POSTs with an Idempotency-Key, in the database so every server
 * sees them. The primary key (credential, key) makes the first claim atomic on both
 * dialects; response bodies are encrypted, since one may hold a secret shown only once.
 */
export class IdempotencyStore {
  private lastSweepMs = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly secrets: SecretBox,
  ) {}

  async claim(slot: IdempotencySlot, fingerprint: string): Promise<IdempotencyClaim> {
    await this.sweepNow();
    if (await this.insertClaim(slot, fingerprint)) return { kind: 'started' };
    if (await this.takeOverStale(slot, fingerprint)) return { kind: 'started' };

    const row = await this.db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('credential_id', '=', slot.credentialId)
      .where('idempotency_key', '=', slot.key)
      .executeTakeFirst();
    // Gone between the two statements (swept, or released after a 5xx): claim it afresh.
    if (!row)
      return (await this.insertClaim(slot, fingerprint))
        ? { kind: 'started' }
        : { kind: 'in_flight' };
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state !== 'done' || row.status_code === null || row.response_body === null) {
      return { kind: 'in_flight' };
    }
    const body = this.secrets.decrypt(row.response_body);
    return {
      kind: 'replay',
      response: { statusCode: row.status_code, contentType: row.content_type, body },
    };
  }

  async complete(slot: IdempotencySlot, response: StoredResponse): Promise<void> {
    await this.db.kysely
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        status_code: response.statusCode,
        content_type: response.contentType,
        response_body: this.secrets.encrypt(response.body),
      })
      .where('credential_id', '=', slot.credentialId)
      .where('idempotency_key', '=', slot.key)
      .execute();
  }

  /** Forgets a claim whose request failed on our side, so the client may simply retry. */
  async release(slot: IdempotencySlot): Promise<void> {
    await this.db.kysely
      .deleteFrom('idempotency_keys')
      .where('credential_id', '=', slot.credentialId)
      .where('idempotency_key', '=', slot.key)
      .where('state', '=', 'in_flight')
      .execute();
  }

  private times() {
    const nowMs = this.clock.nowMs();
    return {
      now: new Date(nowMs).toISOString(),
      lockedUntil: new Date(nowMs + IN_FLIGHT_LEASE_MS).toISOString(),
      expiresAt: new Date(nowMs + IDEMPOTENCY_TTL_MS).toISOString(),
    };
  }

  private async insertClaim(slot: IdempotencySlot, fingerprint: string): Promise<boolean> {
    const { now, lockedUntil, expiresAt } = this.times();
    const result = await this.db.kysely
      .insertInto('idempotency_keys')
      .values({
        credential_id: slot.credentialId,
        idempotency_key: slot.key,
        fingerprint,
        state: 'in_flight',
        status_code: null,
        content_type: null,
        response_body: null,
        locked_until: lockedUntil,
        expires_at: expiresAt,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['credential_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** An expired row, or an in-flight one past its lease, goes to whoever updates it first. */
  private async takeOverStale(slot: IdempotencySlot, fingerprint: string): Promise<boolean> {
    const { now, lockedUntil, expiresAt } = this.times();
    const result = await this.db.kysely
      .updateTable('idempotency_keys')
      .set({
        fingerprint,
        state: 'in_flight',
        status_code: null,
        content_type: null,
        response_body: null,
        locked_until: lockedUntil,
        expires_at: expiresAt,
        created_at: now,
      })
      .where('credential_id', '=', slot.credentialId)
      .where('idempotency_key', '=', slot.key)
      .where((eb) =>
        eb.or([
          eb('expires_at', '<=', now),
          eb.and([eb('state', '=', 'in_flight'), eb('locked_until', '<=', now)]),
        ]),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private async sweepNow(): Promise<void> {
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.lastSweepMs = nowMs;
    await this.db.kysely
      .deleteFrom('idempotency_keys')
      .where('expires_at', '<=', new Date(nowMs).toISOString())
      .execute();
  }
}
