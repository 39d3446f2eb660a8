/** Lists show contact details partly masked (issue #16); the case view shows them in full. */
import { expect } from 'chai';
import { maskContactDetails } from '../../../processors/extract/index.ts';
import { workItemOf } from '../../../processors/cases/work.ts';
import type { CaseDoc } from '../../../processors/cases/index.ts';

describe('masking of contact details in lists', () => {
  it('masks e-mail addresses and phone numbers, keeps case numbers, postcodes and amounts', () => {
    expect(maskContactDetails('Vraag van jan.jansen@example.nl over DigiD')).to.equal('Vraag van j***@example.nl over DigiD');
    expect(maskContactDetails('Bel 06-12345678 of +31 6 1234 5678')).to.equal('Bel **-******78 of +** * **** **78');
    expect(maskContactDetails('Re: KCC-2026-000123 factuur 2024, 1234 AB')).to.equal('Re: KCC-2026-000123 factuur 2024, 1234 AB');
  });

  it('the queue row (work item) holds the masked subject; the case keeps it in full', () => {
    const subject = 'Terugbellen op 0612345678 of p.de.vries@mail.example';
    const c = { _id: 'x', caseNumber: 'KCC-2026-000001', status: 'open', channel: 'email', createdAt: new Date(), expiresAt: new Date(), messages: [{ subject }] } as unknown as CaseDoc;
    const w = workItemOf(c)!;
    expect(w.subject).to.equal('Terugbellen op ********78 of p***@mail.example');
    expect(w.subject).to.not.include('0612345678').and.not.include('p.de.vries');
    expect(c.messages[0]!.subject).to.equal(subject);
  });
});
