/**
 * The deletion log's mechanism field: links written before it existed still verify (their
 * hashes were computed by the code of 2026-11-29 and are pinned here), the mechanism of such
 * a link is read from its kind and counts, and a stored mechanism is covered by the hash.
 */
import { expect } from 'chai';
import { GENESIS_HASH, deletionEntryHash, mechanismOf, parseDeletionJson, deletionEntryJson, verifyChain, type DeletionEntry } from '../../../processors/audit/index.ts';

// Computed with processors/audit/index.ts at commit 632a448 (before mechanisms were recorded).
const LEGACY_1 = '5a5ad975cc530a132f70ab49d1f67b85fe2f01fb107039f1a8423cfdbbce431f';
const LEGACY_2 = '683e992a62598a591619f917acb8d552e31fb1a426d8e58b93f6854cf7004175';

const legacy: DeletionEntry[] = [
  { seq: 1, at: new Date('2026-11-20T03:00:00.000Z'), kind: 'retention', counts: [{ collectionName: 'cases', count: 12 }], actor: { id: 'system:retention', role: 'system' }, prevHash: GENESIS_HASH, hash: LEGACY_1 },
  { seq: 2, at: new Date('2026-11-21T09:30:00.000Z'), kind: 'erasure', counts: [{ collectionName: 'cases', count: 1 }, { collectionName: 'message_keys', count: 2 }], caseIds: ['abc'], actor: { id: 'cli:fg', role: 'privacy_officer' }, prevHash: LEGACY_1, hash: LEGACY_2 },
];

describe('privacy/deletion-mechanism: the deletion log says what deleted', () => {
  it('links written before mechanisms existed still verify', () => {
    expect(verifyChain(legacy)).to.deep.include({ ok: true, entries: 2 });
  });

  it('a new link after them carries its mechanism, ref and terms under its hash; changing any breaks the chain', () => {
    const body = { seq: 3, at: new Date('2026-12-01T10:00:00.000Z'), kind: 'retention' as const, mechanism: 'ttl_index' as const, ref: 'ttl:x', counts: [{ collectionName: 'cases', count: 4, term: 'P18M' }], actor: { id: 'system:retention', role: 'system' }, prevHash: LEGACY_2 };
    const link: DeletionEntry = { ...body, hash: deletionEntryHash(body) };
    expect(verifyChain([...legacy, link]).ok).to.equal(true);
    // Through an export line and back: the same.
    expect(verifyChain([...legacy, parseDeletionJson(JSON.parse(JSON.stringify(deletionEntryJson(link))) as Record<string, unknown>)]).ok).to.equal(true);
    for (const changed of [{ ...link, mechanism: 'sweeper' as const }, { ...link, ref: 'ttl:y' }, { ...link, counts: [{ collectionName: 'cases', count: 4, term: 'P12M' }] }, { ...link, mechanism: undefined }]) {
      expect(verifyChain([...legacy, changed]).broken?.reason).to.equal('hash_mismatch');
    }
  });

  it('reads the mechanism of a link without one from its kind and counts', () => {
    expect(mechanismOf(legacy[0]!)).to.equal('sweeper');
    expect(mechanismOf(legacy[1]!)).to.equal('erasure');
    expect(mechanismOf({ kind: 'verification', counts: [{ collectionName: 'identity_documents', count: 1 }] })).to.equal('identity_established');
    expect(mechanismOf({ kind: 'retention', counts: [{ collectionName: 'imap_processed', count: 3 }] })).to.equal('imap_purge');
    expect(mechanismOf({ kind: 'retention', counts: [{ collectionName: 'cases.bsnSealed', count: 1 }] })).to.equal('case_closed');
    expect(mechanismOf({ kind: 'retention', mechanism: 'ttl_index', counts: [{ collectionName: 'cases', count: 1 }] })).to.equal('ttl_index');
  });
});
