/** The case search page: a form, and the cases found with contact details partly masked. */
import type { SearchResult } from '../../processors/cases/index.ts';
import { searchStrings } from '../i18n.ts';
import { page, type PageContext } from './layout.tsx';
import { formatDate } from './dates.ts';

const fmtDate = (lang: string, d: Date) => formatDate(lang, d);

export function searchPage(ctx: PageContext, v: { q: string; result: SearchResult | null }): string {
  const { t } = ctx;
  const s = searchStrings(ctx.lang);
  const r = v.result;
  return page(ctx, s.title, (
    <>
      <h1 class="utrecht-heading-1">{s.title}</h1>
      <p class="utrecht-paragraph">{s.intro}</p>
      <form method="get" action="/zoeken" role="search" class="kcc-search">
        <div class="utrecht-form-field">
          <label class="utrecht-form-label" for="q">{s.label}</label>
          <input class="utrecht-textbox" id="q" name="q" type="search" value={v.q} maxLength={320} autocomplete="off" />
        </div>
        <button class="utrecht-button utrecht-button--primary-action" type="submit">{s.button}</button>
      </form>
      {r && (
        <section aria-labelledby="results-h">
          <h2 class="utrecht-heading-2" id="results-h">{r.kind === 'unsupported' ? s.unsupported : r.hits.length ? s.results(r.hits.length) : s.none}</h2>
          {s.asKind[r.kind] && <p class="utrecht-paragraph kcc-muted">{s.asKind[r.kind]}</p>}
          {r.hits.length > 0 && (
            <table class="utrecht-table utrecht-table--html-table" data-testid="search-results">
              <thead class="utrecht-table__header">
                <tr class="utrecht-table__row">
                  {[s.colCase, s.colSubject, s.colStatus, s.colTopic, s.colContact, s.colDate].map((h) => <th scope="col" class="utrecht-table__header-cell">{h}</th>)}
                </tr>
              </thead>
              <tbody class="utrecht-table__body">
                {r.hits.map((h) => (
                  <tr class="utrecht-table__row">
                    <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href={`/zaken/${h.caseNumber}`}>{h.caseNumber}</a></th>
                    <td class="utrecht-table__cell">{h.subject}</td>
                    <td class="utrecht-table__cell">{t.statuses[h.status] ?? h.status}{h.line === 'second' ? ` (${t.lines.second})` : ''}</td>
                    <td class="utrecht-table__cell">{h.topic ?? ''}</td>
                    <td class="utrecht-table__cell">{h.contact ?? ''}</td>
                    <td class="utrecht-table__cell">{fmtDate(ctx.lang, h.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {r.more && <p class="utrecht-paragraph kcc-muted">{s.more}</p>}
        </section>
      )}
    </>
  ));
}
