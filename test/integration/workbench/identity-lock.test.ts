/**
 * The identity store writes the case's list of ID copies (`idDocuments`) under the case's
 * write lock, like every other writer of a case: on FerretDB 1.x an unlocked update beside
 * another one loses one of them (lib/doclock.ts). Copies linked while agents act on the case,
 * all at once: every copy is listed and every action is in the history; "established" then
 * unlists them all, also while agents act.
 */
import { expect } from 'chai';
import { intakeMessage } from '../../support/casestore.ts';
import { startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';

describe('workbench/identity: copies are listed on the case under its lock', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  before(async () => { t = await startTestWorkbench('wbidlock'); });
  after(async () => { await t?.close(); });

  it('links 16 copies while 16 actions write the same case: nothing lost', async () => {
    const N = 16;
    const r = await t.store.ingest(intakeMessage({ subject: 'Kopieën' }));
    // Each copy as if from its own message on the case (a citizen who sent them one by one).
    const keys = Array.from({ length: N }, (_, i) => `idlock-${i}-${r.caseId}`);
    for (const [i, k] of keys.entries()) {
      await t.identity.putPending([{
        messageKey: k, channel: 'email', part: 1, label: `id${i}.png`, category: 'id_document', documentKind: 'passport', detectedBy: 'keywords',
        mrzValid: null, content: Buffer.from(`not really an image ${i}`), contentType: 'image/png', hints: null, receivedAt: new Date(),
      }]);
    }
    const agent = { id: 'eerstelijn', role: 'first_line' };
    await Promise.all([
      ...keys.map((k) => t.identity.linkToCase(k, r.caseId)),
      ...keys.map(() => t.store.desk.noteIdentityDecision(r.caseId, agent, 'not_established', 0)),
    ]);
    const c = await t.store.models.Case.findById(r.caseId).lean();
    expect(c!.idDocuments ?? [], 'copies listed on the case').to.have.length(N);
    expect((c!.journal ?? []).filter((j) => j.action === 'identity_verified'), 'actions in the history').to.have.length(N);
    expect(await t.identity.models.IdentityDocument.countDocuments({ caseId: r.caseId })).to.equal(N);

    // "Established": every copy deleted and unlisted, while agents keep acting.
    await t.audit.record({ actor: agent, action: 'read', caseId: r.caseId });
    const docs = await t.identity.listForCase(r.caseId);
    const [res] = await Promise.all([
      t.identity.recordVerification({ docId: docs[0]!.id, agent, outcome: 'established', method: 'copy of ID seen' }),
      ...keys.map(() => t.store.desk.noteIdentityDecision(r.caseId, agent, 'established', 0)),
    ]);
    expect(res.deleted).to.equal(N);
    const after = await t.store.models.Case.findById(r.caseId).lean();
    expect(after!.idDocuments ?? []).to.have.length(0);
    expect((after!.journal ?? []).filter((j) => j.action === 'identity_verified')).to.have.length(2 * N);
  });
});
