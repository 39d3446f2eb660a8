import type { CaseView } from '../../processors/cases/index.ts';
import type { IdentityDocumentView } from '../../processors/identity/index.ts';
import { page, type PageContext } from './layout.tsx';

export interface IdentityViewModel { c: CaseView; docId: string; view: IdentityDocumentView; requestId: string }

/**
 * The audited look at an ID copy: the copy, the machine-readable zone's hints (hints only —
 * the agent decides), and the decision. "Established" deletes every copy of the case at once.
 */
export function identityPage(ctx: PageContext, v: IdentityViewModel): string {
  const { t } = ctx;
  const h = v.view.hints;
  const hint = h.nameOnDocument === 'matches_case' ? t.idNameMatches : h.nameOnDocument === 'differs_from_case' ? t.idNameDiffers : t.idNameUnknown;
  const image = /^image\/(png|jpeg)$/.test(v.view.contentType);
  const src = `/zaken/${v.c.caseNumber}/id/${encodeURIComponent(v.docId)}/copy`;
  return page(ctx, t.idTitle(v.c.caseNumber), (
    <>
      <p class="utrecht-paragraph"><a class="utrecht-link" href={`/zaken/${v.c.caseNumber}`}>{t.backToCase}</a></p>
      <h1 class="utrecht-heading-1">{t.idTitle(v.c.caseNumber)}</h1>
      <p class="utrecht-paragraph">{t.idAudited}</p>
      {/* The image is not masked (a register decision, README "Known gaps"): first line is told the BSN on it is not theirs to use. */}
      {ctx.agent?.role === 'first_line' && v.view.category === 'id_document' && (
        <div class="utrecht-alert utrecht-alert--warning" role="note" data-testid="bsn-on-copy"><p class="utrecht-paragraph">{t.idBsnOnCopy}</p></div>
      )}
      <ul class="kcc-hints">
        <li>{hint}</li>
        {h.documentExpired !== null && <li>{h.documentExpired ? t.idExpired : t.idNotExpired}</li>}
        {h.mrzValid !== null && <li>{h.mrzValid ? t.idMrzValid : t.idMrzInvalid}</li>}
      </ul>
      {image ? <img class="kcc-idcopy-image" src={src} alt={t.idCopyAlt} /> : <p class="utrecht-paragraph"><a class="utrecht-link" href={src}>{t.idDownload}</a></p>}
      <form method="post" action={`/zaken/${v.c.caseNumber}/identity`} class="kcc-action">
        <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
        <input type="hidden" name="docId" value={v.docId} />
        <input type="hidden" name="requestId" value={v.requestId} />
        <fieldset class="utrecht-form-fieldset">
          <legend class="utrecht-form-label">{t.idDecision}</legend>
          <button type="submit" name="outcome" value="established" class="utrecht-button utrecht-button--primary-action">{t.idEstablished}</button>{' '}
          <button type="submit" name="outcome" value="not_established" class="utrecht-button utrecht-button--secondary-action">{t.idNotEstablished}</button>
        </fieldset>
        <p class="utrecht-form-field-description">{t.idEstablishedDeletes}</p>
      </form>
    </>
  ));
}
