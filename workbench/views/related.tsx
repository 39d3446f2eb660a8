/** "Andere zaken van deze burger" in the case view: number (a link), status, topic, date, and which kind of identifier matched — never its value. */
import type { RelatedCase } from '../../processors/cases/index.ts';
import type { PageContext } from './layout.tsx';
import { formatDate } from './dates.ts';

const fmtDate = (lang: string, d: Date) => formatDate(lang, d);

export function RelatedCases({ ctx, related }: { ctx: PageContext; related: { items: RelatedCase[]; more: boolean } }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="related-h">
      <h2 class="utrecht-heading-2" id="related-h">{t.relatedTitle}</h2>
      {related.items.length === 0 ? <p class="utrecht-paragraph">{t.relatedNone}</p> : (
        <ul class="kcc-related" data-testid="related">
          {related.items.map((r) => (
            <li>
              <a class="utrecht-link" href={`/zaken/${r.caseNumber}`}>{r.caseNumber}</a>
              {' — '}{t.statuses[r.status] ?? r.status}{r.line === 'second' ? ` (${t.lines.second})` : ''}, {r.topic ?? ''}, {fmtDate(ctx.lang, r.createdAt)}
              <span class="kcc-muted"> ({t.relatedMatched} {r.matchedOn.map((k) => t.relatedKinds[k] ?? k).join(', ')})</span>
            </li>
          ))}
        </ul>
      )}
      {related.more && <p class="utrecht-paragraph kcc-muted">{t.relatedMore}</p>}
    </section>
  );
}
