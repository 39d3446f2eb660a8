/** The team lead's page of refused messages: code, reason, time, source — never content. */
import type { DeadLetterSummary } from '../../processors/deadletters/index.ts';
import { page, type PageContext } from './layout.tsx';
import { formatDateTime } from './dates.ts';

export interface DeadLettersView {
  items: DeadLetterSummary[];
  next: string | null;
  code: string;
  requestId: () => string;
  notice?: { kind: 'ok' | 'error'; title: string; lines?: string[] };
}

/** A dead letter's id in a URL: its ids hold '/' and ':' (mailbox/uidvalidity/uid, topic:partition:offset). */
export const urlId = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

const fmt = formatDateTime;

function source(ctx: PageContext, d: DeadLetterSummary): string {
  const { t } = ctx;
  if (d.source.kind === 'imap') return `${t.refusedMailbox} ${d.source.mailbox ?? ''}`.trim();
  if (d.source.kind === 'letter') return `${t.refusedLetter} ${d.source.file ?? ''}${d.source.via ? ` (${d.source.via})` : ''}`;
  return t.refusedUnknown;
}

export function deadLettersPage(ctx: PageContext, v: DeadLettersView): string {
  const { t } = ctx;
  const hidden = () => (
    <>
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      <input type="hidden" name="requestId" value={v.requestId()} />
    </>
  );
  return page(ctx, t.deadTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.deadTitle}</h1>
      {v.notice && (
        <div class={`utrecht-alert utrecht-alert--${v.notice.kind === 'ok' ? 'ok' : 'warning'}`} role={v.notice.kind === 'ok' ? 'status' : 'alert'}>
          <p class="utrecht-paragraph"><strong>{v.notice.title}</strong></p>
          {v.notice.lines && <ul>{v.notice.lines.map((l) => <li>{l}</li>)}</ul>}
        </div>
      )}
      <p class="utrecht-paragraph">{t.refusedIntro}</p>
      <form method="get" action="/geweigerd" class="kcc-filters" aria-label={t.filters}>
        <div class="utrecht-form-field kcc-filter">
          <label class="utrecht-form-label" for="f-code">{t.refusedFilterCode}</label>
          <input class="utrecht-textbox utrecht-textbox--html-input" id="f-code" name="code" value={v.code} maxLength={60} />
        </div>
        <div class="kcc-filter kcc-filter-apply"><button type="submit" class="utrecht-button utrecht-button--primary-action">{t.apply}</button></div>
      </form>
      {v.items.length === 0 ? <p class="utrecht-paragraph">{t.refusedNone}</p> : (
        <div class="utrecht-table-container">
          <table class="utrecht-table utrecht-table--html-table kcc-queue">
            <caption class="kcc-visually-hidden">{t.deadTitle}</caption>
            <thead class="utrecht-table__header">
              <tr class="utrecht-table__row">
                <th scope="col" class="utrecht-table__header-cell">{t.refusedAt}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedCode}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedReason}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedSource}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedSize}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedState}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.refusedActions}</th>
              </tr>
            </thead>
            <tbody class="utrecht-table__body">
              {v.items.map((d) => (
                <tr class="utrecht-table__row" data-id={d.id}>
                  <th scope="row" class="utrecht-table__header-cell">{fmt(ctx.lang, d.at)}</th>
                  <td class="utrecht-table__cell"><code>{d.code}</code></td>
                  <td class="utrecht-table__cell">{d.reason ?? ''}</td>
                  <td class="utrecht-table__cell">{source(ctx, d)}</td>
                  <td class="utrecht-table__cell">{d.size === null ? '' : `${Math.ceil(d.size / 1024)} kB`}</td>
                  <td class="utrecht-table__cell">
                    {d.retriedAt && <span class="utrecht-badge-status kcc-badge">{t.refusedRetried} {fmt(ctx.lang, d.retriedAt)}</span>}
                    {d.caseNumber && <> <a class="utrecht-link" href={`/zaken/${d.caseNumber}`}>{t.refusedCaseOpened} {d.caseNumber}</a></>}
                  </td>
                  <td class="utrecht-table__cell">
                    {d.source.kind === 'imap' && (
                      <form method="post" action={`/geweigerd/${urlId(d.id)}/retry`} class="kcc-action">
                        {hidden()}
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action" aria-label={`${t.refusedRetry}: ${d.code}, ${fmt(ctx.lang, d.at)}`}>{t.refusedRetry}</button>
                      </form>
                    )}
                    {!d.caseNumber && (
                      <form method="post" action={`/geweigerd/${urlId(d.id)}/case`} class="kcc-action">
                        {hidden()}
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" aria-label={`${t.refusedOpenCase}: ${d.code}, ${fmt(ctx.lang, d.at)}`}>{t.refusedOpenCase}</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t.olderPage} class="kcc-pages">
        {v.next && <a class="utrecht-link" href={`/geweigerd?${v.code ? `code=${encodeURIComponent(v.code)}&` : ''}after=${encodeURIComponent(v.next)}`}>{t.olderPage}</a>}
      </nav>
    </>
  ));
}
