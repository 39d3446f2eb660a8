/**
 * A letter's page images, kept as the citizen sent them (issue #16), through the same content
 * store as an e-mail's attachments (processors/content): sealed in GridFS `message_content`,
 * the case's term, DSAR export and erasure by case, shown by the case view's attachment route.
 * Before this a letter kept only its OCR text and an agent could not see the letter itself.
 *
 * Which pages: the image pages the case message records as `kind: 'other'`, read from the
 * stored case, not from this delivery's analysis. So the first delivery and a redelivery
 * (after a crash between the case and this step) decide alike without OCR-ing again, and a
 * page analysed as an ID copy or a signature is never handed to the content store at all:
 * those live only in identity_documents and go when identity is established. Text pages
 * (a PDF's text layer) are the message's text already.
 *
 * Called before the page blobs are dropped; idempotent by the message's dedupe key.
 */
import type { LetterRawV1 } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { sha256Of } from '../../lib/contracts.ts';
import type { CaseStore } from '../cases/index.ts';

export async function keepLetterPages(
  o: { store: CaseStore; claimChecks: ClaimCheckStore },
  env: LetterRawV1,
  at: { caseId: string; dedupeKey: string },
): Promise<boolean> {
  // Kept before (a redelivery after this step): the blobs may be gone already; nothing to do.
  if (await o.store.content.model.exists({ _id: at.dedupeKey })) return false;
  const c = await o.store.models.Case.findById(at.caseId, { expiresAt: 1, messages: 1 })
    .lean<{ expiresAt: Date; messages: Array<{ dedupeKey: string; attachments?: Array<{ filename: string; contentType: string; kind: string }> }> }>();
  const m = c?.messages.find((x) => x.dedupeKey === at.dedupeKey);
  if (!c || !m) return false;
  // The message's attachments are the pages in page order (processors/letters): position i is page i.
  const sorted = [...env.pages].sort((a, b) => a.index - b.index);
  const attachments = [];
  for (const [i, a] of (m.attachments ?? []).entries()) {
    const page = sorted[i];
    if (!page || a.kind !== 'other' || page.content === 'text/plain') continue;
    let bytes: Buffer;
    try {
      bytes = await o.claimChecks.get(page.ref.fileId);
    } catch (err) {
      // A letter handled before pages were kept, redelivered after its blobs went: nothing left to keep.
      if ((err as { code?: string }).code === 'CLAIMCHECK_MISSING') continue;
      throw err;
    }
    attachments.push({ index: i, filename: a.filename, contentType: page.content, size: bytes.length, sha256: sha256Of(bytes), contentId: null, inline: false, content: bytes, kind: 'other' });
  }
  if (attachments.length === 0) return false;
  return o.store.content.keep({ caseId: at.caseId, dedupeKey: at.dedupeKey, receivedAt: new Date(env.receivedAt), html: null, attachments, expiresAt: c.expiresAt });
}
