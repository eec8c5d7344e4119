import { createHash } from 'node:crypto';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Services } from '../platform/context.js';

/**
 * Models whose id is a bearer secret (a code or a token). For them the stored key is a
 * hash and the payload drops its `jti`, so a copy of the table hands out no live token;
 * find() puts the id back, as the caller already holds it.
 */
const SECRET_ID_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'InitialAccessToken',
  'RegistrationAccessToken',
]);

/** Codes and refresh tokens are single use: a lost race to consume one is a reuse. */
const SINGLE_USE_MODELS = new Set(['AuthorizationCode', 'RefreshToken']);

export function storageKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

type Db = Pick<Services, 'db' | 'clock'>;

/**
 * oidc-provider's storage interface over our database, one instance per model name
 * (`AccessToken`, `Grant`, `Session`…), the same queries on SQLite and PostgreSQL.
 */
export class KyselyOidcAdapter implements Adapter {
  private readonly hidesJti: boolean;

  constructor(
    private readonly model: string,
    private readonly services: Db,
  ) {
    this.hidesJti = SECRET_ID_MODELS.has(model);
  }

  private get kysely() {
    return this.services.db.kysely;
  }

  private where(id: string) {
    return { model: this.model, id: storageKey(id) };
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const stored: Record<string, unknown> = { ...payload };
    if (this.hidesJti) delete stored.jti;
    const nowMs = Date.now(); // oidc-provider times everything by the system clock
    const row = {
      payload: JSON.stringify(stored),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      client_id: typeof payload.clientId === 'string' ? payload.clientId : null,
      expires_at: expiresIn ? new Date(nowMs + expiresIn * 1000).toISOString() : null,
    };
    await this.kysely
      .insertInto('oauth_models')
      .values({ ...this.where(id), ...row, consumed_at: null })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const { model, id: key } = this.where(id);
    const row = await this.kysely
      .selectFrom('oauth_models')
      .select(['payload', 'consumed_at'])
      .where('model', '=', model)
      .where('id', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    return this.toPayload(row, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  private async findBy(column: 'uid' | 'user_code', value: string) {
    const row = await this.kysely
      .selectFrom('oauth_models')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where(column, '=', value)
      .executeTakeFirst();
    return row ? this.toPayload(row, undefined) : undefined;
  }

  private toPayload(
    row: { payload: string; consumed_at: string | null },
    id: string | undefined,
  ): AdapterPayload {
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (this.hidesJti && id !== undefined) payload.jti = id;
    if (row.consumed_at) payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    return payload;
  }

  /**
   * Marks a code or token used, atomically: of two requests presenting the same code at
   * once, exactly one wins; the other is treated as the reuse it is and revokes the grant.
   */
  async consume(id: string): Promise<void> {
    const { model, id: key } = this.where(id);
    const result = await this.kysely
      .updateTable('oauth_models')
      .set({ consumed_at: new Date().toISOString() })
      .where('model', '=', model)
      .where('id', '=', key)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1 || !SINGLE_USE_MODELS.has(model)) return;

    const row = await this.kysely
      .selectFrom('oauth_models')
      .select('grant_id')
      .where('model', '=', model)
      .where('id', '=', key)
      .executeTakeFirst();
    if (row?.grant_id) await revokeGrant(this.services, row.grant_id);
    throw new errors.InvalidGrant(
      `${model === 'RefreshToken' ? 'refresh token' : 'code'} already used`,
    );
  }

  async destroy(id: string): Promise<void> {
    const { model, id: key } = this.where(id);
    await this.kysely
      .deleteFrom('oauth_models')
      .where('model', '=', model)
      .where('id', '=', key)
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.kysely
      .deleteFrom('oauth_models')
      .where('model', '=', this.model)
      .where('grant_id', '=', grantId)
      .execute();
  }
}

/** Ends a grant and everything issued under it: codes, access and refresh tokens. */
export async function revokeGrant(services: Db, grantId: string): Promise<void> {
  await services.db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute();
    await trx
      .deleteFrom('oauth_models')
      .where('model', '=', 'Grant')
      .where('id', '=', storageKey(grantId))
      .execute();
  });
}

/** Removes what expired more than a day ago (oidc-provider itself checks every expiry). */
export async function purgeExpiredModels(services: Db): Promise<number> {
  const cutoff = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const result = await services.db.kysely
    .deleteFrom('oauth_models')
    .where('expires_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
