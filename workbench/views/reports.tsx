/** The team lead's reports: open work per queue, status and topic; the confusion matrix as CSV. */
import type { WorkCounts } from '../../processors/cases/index.ts';
import { page, type PageContext } from './layout.tsx';

function CountTable({ id, title, label, rows }: { id: string; title: string; label: string; rows: Array<[string, number]>; }) {
  return (
    <section aria-labelledby={id}>
      <h2 class="utrecht-heading-2" id={id}>{title}</h2>
      <table class="utrecht-table utrecht-table--html-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row"><th scope="col" class="utrecht-table__header-cell">{label}</th><th scope="col" class="utrecht-table__header-cell">{'#'}</th></tr>
        </thead>
        <tbody class="utrecht-table__body">
          {rows.map(([k, n]) => <tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell">{k}</th><td class="utrecht-table__cell" data-testid={`${id}-${k}`}>{n}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

export function reportsPage(ctx: PageContext, v: { counts: WorkCounts; pairs: number }): string {
  const { t } = ctx;
  const sorted = (m: Record<string, number>, label: (k: string) => string) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]): [string, number] => [label(k), n]);
  return page(ctx, t.reportsTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.reportsTitle}</h1>
      <p class="utrecht-paragraph">{t.reportsIntro}</p>
      <p class="utrecht-paragraph">{t.reportsTotal}: <strong data-testid="total">{v.counts.total}</strong></p>
      <div class="kcc-columns">
        <CountTable id="per-line" title={t.reportsPerLine} label={t.line} rows={sorted(v.counts.byLine, (k) => t.lines[k] ?? k)} />
        <CountTable id="per-status" title={t.reportsPerStatus} label={t.status} rows={sorted(v.counts.byStatus, (k) => t.statuses[k] ?? k)} />
        <CountTable id="per-topic" title={t.reportsPerTopic} label={t.topic} rows={sorted(v.counts.byTopic, (k) => k)} />
      </div>
      <section aria-labelledby="confusion-h">
        <h2 class="utrecht-heading-2" id="confusion-h">{t.reportsConfusionTitle}</h2>
        <p class="utrecht-paragraph">{t.reportsConfusionText} ({v.pairs})</p>
        <p class="utrecht-paragraph"><a class="utrecht-link" href="/rapportages/herclassificaties.csv" download="herclassificaties.csv">{t.reportsConfusionDownload}</a></p>
      </section>
    </>
  ));
}
