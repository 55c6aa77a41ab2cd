import type { Generated, Insertable, Kysely, Selectable } from 'kysely';
import type { DbOrTx } from '../../platform/db/database.ts';

export type PkiTables = {
  pki_authorities: {
    id: string;
    name: string;
    subject: string;
    serial_number: string;
    fingerprint_sha256: string;
    certificate_pem: string;
    private_key_enc: Buffer;
    not_before: Date;
    not_after: Date;
    crl_der: Buffer | null;
    crl_this_update: Date | null;
    current: boolean;
    created_at: Generated<Date>;
  };
  pki_certificates: {
    id: string;
    authority_id: string;
    holder_kind: 'agency' | 'official';
    agency_id: string;
    agency_code: string;
    account_id: string | null;
    subject: string;
    serial_number: string;
    fingerprint_sha256: string;
    certificate_pem: string;
    private_key_enc: Buffer;
    not_before: Date;
    not_after: Date;
    revoked_at: Date | null;
    revocation_reason: string | null;
    created_at: Generated<Date>;
  };
  pki_trust_anchors: {
    id: string;
    name: string;
    subject: string;
    fingerprint_sha256: string;
    certificate_pem: string;
    not_before: Date;
    not_after: Date;
    crl_der: Buffer | null;
    created_at: Generated<Date>;
  };
};

export type AuthorityRow = Selectable<PkiTables['pki_authorities']>;
export type CertificateRow = Selectable<PkiTables['pki_certificates']>;
export type TrustAnchorRow = Selectable<PkiTables['pki_trust_anchors']>;
/** A certificate row without its sealed key: what listings read. */
export type CertificateInfo = Omit<CertificateRow, 'private_key_enc'>;

type PkiDb = Kysely<PkiTables>;
const pki = (db: DbOrTx): PkiDb => db.withTables<PkiTables>() as unknown as PkiDb;

const certificateColumns = [
  'id',
  'authority_id',
  'holder_kind',
  'agency_id',
  'agency_code',
  'account_id',
  'subject',
  'serial_number',
  'fingerprint_sha256',
  'certificate_pem',
  'not_before',
  'not_after',
  'revoked_at',
  'revocation_reason',
  'created_at',
] as const;

/** The only file of the module that touches its tables. */
export const pkiRepo = {
  currentAuthority(db: DbOrTx): Promise<AuthorityRow | undefined> {
    return pki(db).selectFrom('pki_authorities').selectAll().where('current', '=', true).executeTakeFirst();
  },
  async insertAuthority(db: DbOrTx, row: Insertable<PkiTables['pki_authorities']>): Promise<boolean> {
    const r = await pki(db)
      .insertInto('pki_authorities')
      .values(row)
      .onConflict((oc) => oc.column('current').where('current', '=', true).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  authorities(db: DbOrTx): Promise<Omit<AuthorityRow, 'private_key_enc'>[]> {
    return pki(db)
      .selectFrom('pki_authorities')
      .select([
        'id',
        'name',
        'subject',
        'serial_number',
        'fingerprint_sha256',
        'certificate_pem',
        'not_before',
        'not_after',
        'crl_der',
        'crl_this_update',
        'current',
        'created_at',
      ])
      .orderBy('created_at')
      .execute();
  },
  async storeCrl(db: DbOrTx, authorityId: string, der: Buffer, thisUpdate: Date): Promise<void> {
    await pki(db)
      .updateTable('pki_authorities')
      .set({ crl_der: der, crl_this_update: thisUpdate })
      .where('id', '=', authorityId)
      .where((eb) => eb.or([eb('crl_this_update', 'is', null), eb('crl_this_update', '<', thisUpdate)]))
      .execute();
  },
  async insertCertificate(db: DbOrTx, row: Insertable<PkiTables['pki_certificates']>): Promise<void> {
    await pki(db).insertInto('pki_certificates').values(row).execute();
  },
  certificate(db: DbOrTx, id: string): Promise<CertificateInfo | undefined> {
    return pki(db)
      .selectFrom('pki_certificates')
      .select(certificateColumns)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  listCertificates(db: DbOrTx, o: { agencyId?: string; limit: number }): Promise<CertificateInfo[]> {
    let q = pki(db).selectFrom('pki_certificates').select(certificateColumns);
    if (o.agencyId) q = q.where('agency_id', '=', o.agencyId);
    return q.orderBy('created_at', 'desc').limit(o.limit).execute();
  },
  /** The newest unrevoked agency certificate valid at `at`, with its sealed key (for signing only). */
  signingCertificate(db: DbOrTx, agencyId: string, at: Date): Promise<CertificateRow | undefined> {
    return pki(db)
      .selectFrom('pki_certificates')
      .selectAll()
      .where('agency_id', '=', agencyId)
      .where('holder_kind', '=', 'agency')
      .where('revoked_at', 'is', null)
      .where('not_before', '<=', at)
      .where('not_after', '>', at)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },
  async revoke(db: DbOrTx, id: string, reason: string, at: Date): Promise<boolean> {
    const r = await pki(db)
      .updateTable('pki_certificates')
      .set({ revoked_at: at, revocation_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  revokedOf(
    db: DbOrTx,
    authorityId: string,
  ): Promise<Pick<CertificateRow, 'serial_number' | 'revoked_at' | 'revocation_reason'>[]> {
    return pki(db)
      .selectFrom('pki_certificates')
      .select(['serial_number', 'revoked_at', 'revocation_reason'])
      .where('authority_id', '=', authorityId)
      .where('revoked_at', 'is not', null)
      .execute();
  },
  trustAnchors(db: DbOrTx): Promise<TrustAnchorRow[]> {
    return pki(db).selectFrom('pki_trust_anchors').selectAll().orderBy('created_at').execute();
  },
  trustAnchor(db: DbOrTx, id: string): Promise<TrustAnchorRow | undefined> {
    return pki(db).selectFrom('pki_trust_anchors').selectAll().where('id', '=', id).executeTakeFirst();
  },
  async insertTrustAnchor(db: DbOrTx, row: Insertable<PkiTables['pki_trust_anchors']>): Promise<boolean> {
    const r = await pki(db)
      .insertInto('pki_trust_anchors')
      .values(row)
      .onConflict((oc) => oc.column('fingerprint_sha256').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  },
  async deleteTrustAnchor(db: DbOrTx, id: string): Promise<boolean> {
    const r = await pki(db).deleteFrom('pki_trust_anchors').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  },
};
