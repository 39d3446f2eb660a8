/**
 * The case view shows which contact fields the pipeline left empty for the agent to check
 * (issue 13), by their labels, never a value.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { newCaseDocument, type IntakeMessage } from '../../../processors/cases/index.ts';
import type { CaseView } from '../../../processors/cases/work.ts';
import { casePage, type CaseViewModel } from '../../../workbench/views/case.tsx';
import { strings } from '../../../workbench/i18n.ts';
import { createFieldCipher, createKeyedHasher } from '../../../lib/crypto.ts';

const deps = { cipher: createFieldCipher({ keys: { k1: randomBytes(32) }, activeKeyId: 'k1' }), hasher: createKeyedHasher(randomBytes(32)) };

function message(uncertain: string[]): IntakeMessage {
  return {
    dedupeKey: randomBytes(32).toString('hex'), channel: 'letter', messageId: null, inReplyTo: null, references: [], receivedAt: new Date('2026-11-30T10:00:00Z'),
    subject: 'wachtwoord', text: 'Ik ben mijn wachtwoord vergeten.', source: { kind: 'letter' }, attachments: [], replyAddress: null,
    citizen: { name: 'Selin Bulut', street: null, houseNumber: null, postcode: '2011RD', city: 'Haarlem', country: null, email: null, phones: [] },
    bsn: null, representative: null, uncertain, classification: { topic: 'digid_wachtwoord', language: 'nl', confidence: 1, reasons: [] }, wantsAcknowledgment: false,
  };
}

function render(uncertain: string[]): string {
  const doc = newCaseDocument(message(uncertain), 'KCC-2026-000001', new Date('2026-11-30T10:00:00Z'), deps);
  const c = { ...doc, hasBsn: false, journal: [], notes: [], replies: [], idDocuments: [] } as unknown as CaseView;
  const v: CaseViewModel = { c, idDocuments: [], topics: ['digid_wachtwoord'], requestId: () => 'r1', alsoOpenBy: [], draft: { subject: '', text: '' } };
  return casePage({ lang: 'nl', t: strings('nl'), agent: { id: 'a1', name: 'Agent', roles: ['first_line'] } as never, csrf: 'x', path: '/cases/x' }, v);
}

describe('case view: fields left for the agent', () => {
  it('lists the uncertain fields by their labels', () => {
    const html = render(['street', 'house_number']);
    expect(html).to.include('Niet zeker gelezen');
    expect(html).to.match(/Straat, Huisnummer \(leeg gelaten/);
  });

  it('says nothing when every field was read', () => {
    expect(render([])).to.not.include('Niet zeker gelezen');
  });
});
