/**
 * Letter analysis on text pages (a PDF text layer, or the ground truth of a generated scan):
 * the same extraction and classification as e-mail, ID pages kept out of the letter text,
 * and the contract that keeps page bytes out of Kafka. No OCR here (see cli.test.ts and the
 * integration tests for scans).
 */
import { expect } from 'chai';
import { LetterRawV1, decode, encode } from '../../../lib/contracts.ts';
import { classify } from '../../../processors/classify/index.ts';
import { analyseLetter, subjectOf, toLetterExtractJson } from '../../../processors/letters/index.ts';
import { letterText } from '../../support/letters/letters.ts';
import { PEOPLE, td3 } from '../../support/letters/ids.ts';

const pageText = (lang: 'nl' | 'en', seed: number) => letterText(lang, seed).map((b) => b.join('\n')).join('\n\n');

describe('letters: analysing a letter from its text', () => {
  it('reads the sender block, the subject line and the topic (NL)', async () => {
    const a = await analyseLetter([{ name: 'page-1', text: pageText('nl', 1) }]);
    expect(a.subject).to.equal('activeringscode DigiD nooit ontvangen');
    expect(a.citizen).to.deep.include({ name: 'J. de Vries', street: 'Lindelaan', house_number: '12', postcode: '3581AB', city: 'Utrecht' });
    expect(a.classification.topic).to.equal('digid_activeren');
    expect(a.classification.language).to.equal('nl');
    expect(a.pages.map((p) => p.kind)).to.deep.equal(['other']);
    expect(a.minConfidence).to.equal(null);
  });

  it('reads an English letter and its "Subject:" line', async () => {
    const a = await analyseLetter([{ name: 'page-1', text: pageText('en', 4) }]);
    expect(a.subject).to.equal('message in my Berichtenbox cannot be opened');
    expect(a.citizen).to.deep.include({ name: 'P. van den Berg', postcode: '5611EZ', city: 'Eindhoven' });
    expect(a.classification.language).to.equal('en');
    expect(a.classification.topic).to.equal(classify({ subject: a.subject, text: pageText('en', 4) }).topic);
  });

  it('keeps an ID page out of the letter text and names it; redacts a BSN and an IBAN in the text', async () => {
    const letter = `${pageText('nl', 5)}\n\nMijn BSN is 111222333 en mijn rekening NL91ABNA0417164300.`;
    const p = PEOPLE[1]!;
    const idPage = ['KONINKRIJK DER NEDERLANDEN', 'PASPOORT PASSPORT', 'Naam / Surname', p.surname, 'Geboortedatum / Date of birth', '05 01 1972', ...td3(p)].join('\n');
    const a = await analyseLetter([
      { name: 'page-1', text: letter },
      { name: 'page-2', text: idPage },
    ]);
    expect(a.pages.map((x) => x.kind)).to.deep.equal(['other', 'id_document']);
    expect(a.pages[1]).to.include({ documentKind: 'passport', detectedBy: 'mrz', mrzValid: true });
    expect(a.pages[1]!.hints).to.deep.include({ surname: 'VAN DAM' });
    // Nothing of the ID page in the case text.
    expect(a.text).to.not.contain(p.documentNumber);
    expect(a.text).to.not.contain('P<NLD');
    expect(a.text).to.not.contain('VAN DAM');
    expect(a.text).to.not.contain('111222333');
    expect(a.text).to.not.contain('NL91ABNA0417164300');
    expect(a.citizen.bsn).to.equal('111222333'); // extracted for second line, never in the text
    const json = toLetterExtractJson('scan.pdf', a);
    expect(json).to.include({ file: 'scan.pdf', is_case: true, language: 'nl' });
    expect(json.id_document_attachments).to.deep.equal(['page-2']);
    expect(json.signature_attachments).to.deep.equal([]);
    expect(Object.keys(json)).to.deep.equal(['file', 'is_case', 'language', 'topic', 'citizen', 'on_behalf_of', 'id_document_attachments', 'signature_attachments']);
  });

  it('finds the subject line in its usual spellings, and none where there is none', () => {
    expect(subjectOf('A\nB\n\nBetreft: inloggen lukt niet\n\nGeachte')).to.equal('inloggen lukt niet');
    expect(subjectOf('Onderwerp; machtiging aanvragen\n')).to.equal('machtiging aanvragen');
    expect(subjectOf('  Subject :  activation code\n')).to.equal('activation code');
    expect(subjectOf('Geachte heer,\nIk heb een vraag over mijn betreft-regel.')).to.equal('');
  });
});

describe('letters: the LetterRawV1 contract', () => {
  const ok: LetterRawV1 = {
    schemaVersion: 1,
    source: { kind: 'letter', via: 'drop', file: 'scan_0001.pdf' },
    receivedAt: new Date().toISOString(),
    sha256: 'a'.repeat(64),
    size: 1234,
    format: 'pdf',
    pages: [{ index: 0, content: 'image/png', size: 1000, ref: { type: 'claim_check', bucket: 'claimchecks', fileId: 'b'.repeat(24) } }],
  };

  it('round-trips a record with claim-check pages', () => {
    expect(decode(LetterRawV1, encode(LetterRawV1, ok), 'letter')).to.deep.equal(ok);
  });

  it('refuses page bytes inline: images never travel on Kafka', () => {
    const inline = { ...ok, pages: [{ ...ok.pages[0]!, ref: { type: 'inline', base64: 'iVBORw0KGgo=' } }] };
    let code: string | undefined;
    try {
      decode(LetterRawV1, Buffer.from(JSON.stringify(inline)), 'letter');
    } catch (err) {
      code = (err as { code?: string }).code;
    }
    expect(code).to.equal('CONTRACT_INVALID');
    expect(() => encode(LetterRawV1, inline as never)).to.throw();
  });
});
