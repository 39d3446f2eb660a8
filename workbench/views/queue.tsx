import type { QueueFilter, WorkItemDoc } from '../../processors/cases/index.ts';
import { CASE_LINES } from '../../processors/cases/index.ts';
import { workingDaysBetween } from '../../lib/working-days.ts';
import { page, type PageContext } from './layout.tsx';

/** The acknowledgment's promise: an answer within five working days. */
export const PROMISED_WORKING_DAYS = 5;

export interface QueueView {
  filter: QueueFilter & { statuses: readonly string[] };
  items: WorkItemDoc[];
  next: string | null;
  topicCounts: Record<string, number>;
  topics: readonly string[];
  now: Date;
  /** The query string of this view without the cursor (for the next-page link and the poll). */
  query: string;
  /** What the agent just did, when it took them off a case (escalated, "not a case"). */
  notice?: string | null;
}

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: Array<[string, string]> }) {
  return (
    <div class="utrecht-form-field kcc-filter">
      <label class="utrecht-form-label" for={`f-${name}`}>{label}</label>
      <select class="utrecht-select utrecht-select--html-select" id={`f-${name}`} name={name}>
        {options.map(([v, l]) => <option value={v} selected={v === value}>{l}</option>)}
      </select>
    </div>
  );
}

export function queuePage(ctx: PageContext, v: QueueView): string {
  const { t } = ctx;
  const f = v.filter;
  const status = f.statuses.length === 1 ? f.statuses[0]! : '';
  const total = Object.values(v.topicCounts).reduce((a, b) => a + b, 0);
  return page(ctx, t.queue, (
    <>
      <h1 class="utrecht-heading-1">{t.queue}</h1>
      {v.notice && <div class="utrecht-alert utrecht-alert--ok" role="status"><p class="utrecht-paragraph"><strong>{v.notice}</strong></p></div>}
      <form method="get" action="/" class="kcc-filters" aria-label={t.filters}>
        <Select name="line" label={t.line} value={f.line ?? ''} options={[['', t.any], ...CASE_LINES.map((l): [string, string] => [l, t.lines[l] ?? l])]} />
        <Select name="status" label={t.status} value={status} options={[['', t.any], ...['open', 'waiting', 'escalated'].map((s): [string, string] => [s, t.statuses[s] ?? s])]} />
        <Select name="topic" label={t.topic} value={f.topic ?? ''} options={[['', t.any], ...v.topics.map((x): [string, string] => [x, x])]} />
        <Select name="language" label={t.language} value={f.language ?? ''} options={[['', t.any], ['nl', t.languages.nl ?? 'nl'], ['en', t.languages.en ?? 'en']]} />
        <Select name="channel" label={t.channel} value={f.channel ?? ''} options={[['', t.any], ['email', t.channels.email ?? 'email'], ['letter', t.channels.letter ?? 'letter']]} />
        <Select name="assignee" label={t.assignee} value={f.assignee ?? ''} options={[['', t.assignees[''] ?? ''], ['mine', t.assignees.mine ?? ''], ['unassigned', t.assignees.unassigned ?? '']]} />
        <div class="kcc-filter kcc-filter-apply"><button type="submit" class="utrecht-button utrecht-button--primary-action">{t.apply}</button></div>
      </form>
      <p class="utrecht-paragraph" id="kcc-new-cases" role="status" aria-live="polite" data-poll={`/api/v1/queue/count?${v.query}`} data-total={String(total)} data-label-one={t.newCases(1)} data-label-many={t.newCases(2)}></p>
      <section aria-labelledby="counts-h">
        <h2 class="utrecht-heading-2" id="counts-h">{t.countsPerTopic}</h2>
        <ul class="kcc-counts">
          {Object.entries(v.topicCounts).sort((a, b) => b[1] - a[1]).map(([topic, n]) => <li><span>{topic}</span>: <strong>{n}</strong></li>)}
        </ul>
      </section>
      <p class="utrecht-paragraph">{t.promise}</p>
      {v.items.length === 0 ? <p class="utrecht-paragraph">{t.noCases}</p> : (
        <div class="utrecht-table-container">
          <table class="utrecht-table utrecht-table--html-table kcc-queue">
            <caption class="kcc-visually-hidden">{t.queue}</caption>
            <thead class="utrecht-table__header">
              <tr class="utrecht-table__row">
                <th scope="col" class="utrecht-table__header-cell">{t.caseNumber}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.subject}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.topic}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.language}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.channel}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.status}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.age}</th>
                <th scope="col" class="utrecht-table__header-cell">{t.assignee}</th>
              </tr>
            </thead>
            <tbody class="utrecht-table__body">
              {v.items.map((w) => {
                const days = workingDaysBetween(w.waitingSince, v.now);
                return (
                  <tr class="utrecht-table__row">
                    <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href={`/zaken/${w.caseNumber}`}>{w.caseNumber}</a></th>
                    <td class="utrecht-table__cell">{w.subject}{w.wroteAgain && <> <span class="utrecht-badge-status kcc-badge">{t.wroteAgain}</span></>}</td>
                    <td class="utrecht-table__cell">{w.topic} <span class="kcc-muted">({t.confidence} {Math.round((w.confidence ?? 0) * 100)}%)</span></td>
                    <td class="utrecht-table__cell">{w.language}</td>
                    <td class="utrecht-table__cell">{t.channels[w.channel ?? ''] ?? w.channel}</td>
                    <td class="utrecht-table__cell">{t.statuses[w.status] ?? w.status}{w.line === 'second' && w.status !== 'escalated' ? ` (${t.lines.second})` : ''}</td>
                    <td class="utrecht-table__cell">{t.workingDays(days)}{days >= PROMISED_WORKING_DAYS && <> <span class="utrecht-badge-status kcc-badge kcc-badge--late">{t.overdue}</span></>}</td>
                    <td class="utrecht-table__cell">{w.assigneeId ?? t.unassigned}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label={t.nextPage} class="kcc-pages">
        {v.next && <a class="utrecht-link" href={`/?${v.query}${v.query ? '&' : ''}after=${encodeURIComponent(v.next)}`}>{t.nextPage}</a>}
      </nav>
    </>
  ));
}
