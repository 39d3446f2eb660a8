/**
 * Establishing identity in the workbench: the case shows "ID-kopie aanwezig", the agent opens
 * the copy in the audited view (with the MRZ hints), decides "established", and every copy of
 * the case is gone at once — from identity_documents and from every other collection (the
 * sealed bytes searched for everywhere), with a verification record and a deletion-log link.
 */
import { expect } from 'chai';
import sharp from 'sharp';
import { intakeMessage } from '../../support/casestore.ts';
import { scanDatabase } from '../../support/scan.ts';
import { signIn, startTestWorkbench, type Agent, type TestWorkbench } from '../../support/workbench.ts';

describe('workbench/identity: "identity established" deletes the ID copy at once', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let agent: Agent;
  before(async () => {
    t = await startTestWorkbench('wbidentity');
    agent = await signIn(t.url, 'eerstelijn');
  });
  after(async () => { await t?.close(); });

  it('shows the copy only through its case, audited, and deletes every copy when established', async () => {
    const m = intakeMessage({ subject: 'Kopie paspoort voor mijn machtiging', citizen: { name: 'Jan Jansen', street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] } });
    const r = await t.store.ingest(m);
    const png = await sharp({ create: { width: 40, height: 25, channels: 3, background: { r: 200, g: 180, b: 90 } } }).png().toBuffer();
    const ids = await t.identity.putPending([{
      messageKey: m.dedupeKey, channel: 'email', part: 1, label: 'paspoort.png', category: 'id_document', documentKind: 'passport', detectedBy: 'mrz',
      mrzValid: true, content: png, contentType: 'image/png', hints: null, receivedAt: new Date(),
    }]);
    await t.identity.linkToCase(m.dedupeKey, r.caseId);
    const sealed = (await t.conn.db!.collection('identity_documents').findOne({ _id: ids[0] as never })) as { content?: { ct?: string } } | null;
    expect(sealed?.content?.ct).to.be.a('string');

    const casePage = await (await agent.get(`/zaken/${r.caseNumber}`)).text();
    expect(casePage).to.include('ID-kopie aanwezig');
    const link = /href="(\/zaken\/[^"]+\/id\/[^"]+)"/.exec(casePage)![1]!;
    // Not through another case's URL.
    const other = await t.store.ingest(intakeMessage());
    expect((await agent.get(link.replace(r.caseNumber, other.caseNumber))).status).to.equal(404);

    const idPage = await agent.get(link);
    expect(idPage.status).to.equal(200);
    const html = await idPage.text();
    expect(html).to.include('Identiteit vastgesteld');
    // The copy is not masked (README, known gaps): first line is told the BSN on it is not theirs.
    expect(html).to.include('data-testid="bsn-on-copy"');
    const img = await agent.get(`${link}/copy`);
    expect(img.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).to.equal(true);
    const reads = await t.audit.models.AuditEntry.find({ action: 'read', caseId: r.caseId, 'actor.id': 'eerstelijn' }).lean();
    expect(reads.length).to.be.at.least(2);

    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const decided = await agent.form(`/zaken/${r.caseNumber}/identity`, { _csrf: csrf, docId: decodeURIComponent(link.split('/').pop()!), outcome: 'established', requestId: 'id-1' });
    expect(decided.status).to.equal(303);
    expect(await t.conn.db!.collection('identity_documents').countDocuments({ caseId: r.caseId })).to.equal(0);
    expect(await scanDatabase(t.conn.db!, [sealed!.content!.ct!.slice(0, 40), png.toString('base64').slice(0, 40)])).to.deep.equal([]);
    const after = await (await agent.get(`/zaken/${r.caseNumber}`)).text();
    expect(after).to.include('de ID-kopieën zijn verwijderd');
    expect(after).to.not.include('ID-kopie aanwezig');
    const links = await t.audit.models.DeletionEntry.find({ kind: 'verification' }).lean();
    expect(links.some((l) => (l.caseIds ?? []).includes(r.caseId))).to.equal(true);
    expect((await agent.get(link)).status).to.equal(404);
  });
});
