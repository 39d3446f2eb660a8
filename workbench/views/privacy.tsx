/**
 * The privacy officer's pages: subject access and erasure (processors/dsar), the audit log,
 * the deletion log (with its hash chain checked) and the retention report. Identifiers are
 * only ever posted (never in a URL), and never shown back.
 */
import type { CollectionRetention } from '../../lib/retention.ts';
import type { AuditEntry, DeletionEntry } from '../../processors/audit/index.ts';
import { DELETION_MECHANISMS, mechanismOf } from '../../processors/audit/index.ts';
import { ERASURE_GROUNDS, type ErasureResult } from '../../processors/dsar/index.ts';
import type { DeletionReport } from '../../processors/retention/index.ts';
import { page, type PageContext } from './layout.tsx';
import { formatDateTime } from './dates.ts';

const fmt = (lang: string, d: Date | null | undefined) => (d ? formatDateTime(lang, d) : '—');

function Nav({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <nav aria-label={t.privacyTitle} class="kcc-filters">
      <a class="utrecht-link" href="/privacy">{t.dsarTitle}</a>
      <a class="utrecht-link" href="/privacy/audit">{t.auditTitle}</a>
      <a class="utrecht-link" href="/privacy/verwijderingen">{t.deletionsTitle}</a>
      <a class="utrecht-link" href="/privacy/bewaartermijnen">{t.retentionTitle}</a>
    </nav>
  );
}

function Identifiers({ ctx, prefix }: { ctx: PageContext; prefix: string }) {
  const { t } = ctx;
  const field = (name: string, label: string, type: 'email' | 'tel' | 'text', max: number) => (
    <div class="utrecht-form-field">
      <label class="utrecht-form-label" for={`${prefix}-${name}`}>{label}</label>
      <div><input class="utrecht-textbox utrecht-textbox--html-input" id={`${prefix}-${name}`} name={name} type={type as 'text'} maxLength={max} autocomplete="off" /></div>
    </div>
  );
  return (
    <>
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      {field('email', t.dsarEmail, 'email', 254)}
      {field('phone', t.dsarPhone, 'tel', 40)}
      {field('bsn', t.dsarBsn, 'text', 20)}
    </>
  );
}

export function privacyPage(ctx: PageContext, v: { erased?: ErasureResult; error?: string }): string {
  const { t } = ctx;
  return page(ctx, t.privacyTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.privacyTitle}</h1>
      <Nav ctx={ctx} />
      <p class="utrecht-paragraph">{t.privacyIntro}</p>
      {v.error && <div class="utrecht-alert utrecht-alert--warning" role="alert"><p class="utrecht-paragraph"><strong>{v.error}</strong></p></div>}
      {v.erased && (
        <div class="utrecht-alert utrecht-alert--ok" role="status">
          <h2 class="utrecht-heading-2">{t.dsarErasedTitle}</h2>
          <p class="utrecht-paragraph">{t.dsarErasedText}</p>
          <table class="utrecht-table utrecht-table--html-table">
            <thead class="utrecht-table__header"><tr class="utrecht-table__row"><th scope="col" class="utrecht-table__header-cell">{t.dsarCollection}</th><th scope="col" class="utrecht-table__header-cell">{t.reportsCount}</th></tr></thead>
            <tbody class="utrecht-table__body">
              {Object.entries(v.erased.counts).map(([k, n]) => <tr class="utrecht-table__row"><th scope="row" class="utrecht-table__header-cell">{k}</th><td class="utrecht-table__cell" data-testid={`erased-${k}`}>{n}</td></tr>)}
            </tbody>
          </table>
          <p class="utrecht-paragraph">{t.dsarRepresentative}: {v.erased.representativeRedacted}</p>
          <p class="utrecht-paragraph">{t.dsarDeletionLink}: #{v.erased.deletionSeq}</p>
        </div>
      )}
      <section aria-labelledby="dsar-h">
        <h2 class="utrecht-heading-2" id="dsar-h">{t.dsarTitle}</h2>
        <p class="utrecht-paragraph">{t.dsarText}</p>
        <form method="post" action="/privacy/export" class="kcc-action">
          <Identifiers ctx={ctx} prefix="exp" />
          <button type="submit" class="utrecht-button utrecht-button--primary-action">{t.dsarExport}</button>
        </form>
      </section>
      <section aria-labelledby="erase-h">
        <h2 class="utrecht-heading-2" id="erase-h">{t.dsarEraseTitle}</h2>
        <form method="post" action="/privacy/erase" class="kcc-action">
          <Identifiers ctx={ctx} prefix="era" />
          <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="era-ground">{t.dsarGround}</label>
            <div>
              <select class="utrecht-select utrecht-select--html-select" id="era-ground" name="ground" required>
                <option value="">—</option>
                {ERASURE_GROUNDS.map((g) => <option value={g}>{t.dsarGrounds[g] ?? g}</option>)}
              </select>
            </div>
          </div>
          <div class="utrecht-form-field utrecht-form-field--checkbox">
            <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="era-confirm" name="confirm" value="yes" required />
            <label class="utrecht-form-label utrecht-form-label--checkbox" for="era-confirm">{t.dsarConfirm}</label>
          </div>
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">{t.dsarErase}</button>
        </form>
      </section>
    </>
  ));
}

export function auditPage(ctx: PageContext, v: { items: AuditEntry[]; next: string | null }): string {
  const { t } = ctx;
  return page(ctx, t.auditTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.auditTitle}</h1>
      <Nav ctx={ctx} />
      <div class="utrecht-table-container">
        <table class="utrecht-table utrecht-table--html-table kcc-queue">
          <caption class="kcc-visually-hidden">{t.auditTitle}</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              {[t.auditAt, t.auditActor, t.auditAction, t.auditAbout, t.deletionsCounts].map((h) => <th scope="col" class="utrecht-table__header-cell">{h}</th>)}
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {v.items.map((e) => (
              <tr class="utrecht-table__row">
                <th scope="row" class="utrecht-table__header-cell">{fmt(ctx.lang, e.at)}</th>
                <td class="utrecht-table__cell">{e.actor.id} ({e.actor.role})</td>
                <td class="utrecht-table__cell"><code>{e.action}</code>{e.ground ? ` (${e.ground})` : ''}</td>
                <td class="utrecht-table__cell">{e.route ?? (e.caseId ? `case ${e.caseId.slice(0, 16)}…` : e.ref ? `${e.ref.slice(0, 24)}` : e.subjectHashes ? `${e.subjectHashes.length} hash(es)` : '')}</td>
                <td class="utrecht-table__cell">{(e.counts ?? []).map((c) => `${c.collectionName}: ${c.count}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label={t.olderPage} class="kcc-pages">{v.next && <a class="utrecht-link" href={`/privacy/audit?after=${encodeURIComponent(v.next)}`}>{t.olderPage}</a>}</nav>
    </>
  ));
}

export function deletionsPage(ctx: PageContext, v: { items: DeletionEntry[]; next: string | null; chain: { ok: boolean; entries: number; broken?: { seq: number } } }): string {
  const { t } = ctx;
  return page(ctx, t.deletionsTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.deletionsTitle}</h1>
      <Nav ctx={ctx} />
      <p class="utrecht-paragraph" data-testid="chain" role="status">{v.chain.ok ? t.deletionsChainOk(v.chain.entries) : t.deletionsChainBroken(v.chain.broken?.seq ?? 0)}</p>
      <div class="utrecht-table-container">
        <table class="utrecht-table utrecht-table--html-table kcc-queue">
          <caption class="kcc-visually-hidden">{t.deletionsTitle}</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              {[t.deletionsSeq, t.auditAt, t.deletionsKind, t.deletionsMechanism, t.auditActor, t.deletionsCounts].map((h) => <th scope="col" class="utrecht-table__header-cell">{h}</th>)}
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {v.items.map((e) => (
              <tr class="utrecht-table__row">
                <th scope="row" class="utrecht-table__header-cell">#{e.seq}</th>
                <td class="utrecht-table__cell">{fmt(ctx.lang, e.at)}</td>
                <td class="utrecht-table__cell">{e.kind}</td>
                <td class="utrecht-table__cell">{mechanismOf(e)}</td>
                <td class="utrecht-table__cell">{e.actor.id} ({e.actor.role})</td>
                <td class="utrecht-table__cell">{e.counts.map((c) => `${c.collectionName}: ${c.count}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label={t.olderPage} class="kcc-pages">{v.next && <a class="utrecht-link" href={`/privacy/verwijderingen?after=${encodeURIComponent(v.next)}`}>{t.olderPage}</a>}</nav>
    </>
  ));
}

export function retentionPage(ctx: PageContext, v: { report: Record<string, CollectionRetention>; deletions: DeletionReport }): string {
  const { t } = ctx;
  const names = [...new Set([...Object.keys(v.report), ...Object.keys(v.deletions.deletions)])].sort();
  return page(ctx, t.retentionTitle, (
    <>
      <h1 class="utrecht-heading-1">{t.retentionTitle}</h1>
      <Nav ctx={ctx} />
      <div class="utrecht-table-container" tabIndex={0} role="region" aria-label={t.retentionTitle}>
        <table class="utrecht-table utrecht-table--html-table kcc-queue">
          <caption class="kcc-visually-hidden">{t.retentionTitle}</caption>
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              {[t.retentionCollection, t.retentionDocuments, t.retentionOldest, t.retentionNextExpiry, t.retentionOverdue, t.retentionMissing, t.retentionMechanism, ...DELETION_MECHANISMS.map((m) => `${t.retentionDeleted}: ${m}`), t.retentionTtlOverdue].map((h) => <th scope="col" class="utrecht-table__header-cell">{h}</th>)}
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {names.map((n) => {
              const r = v.report[n];
              const d = v.deletions.deletions[n] ?? {};
              return (
                <tr class="utrecht-table__row">
                  <th scope="row" class="utrecht-table__header-cell">{n}</th>
                  <td class="utrecht-table__cell">{r ? r.documents : ''}</td>
                  <td class="utrecht-table__cell">{r ? fmt(ctx.lang, r.oldest) : ''}</td>
                  <td class="utrecht-table__cell">{r ? fmt(ctx.lang, r.nextExpiry) : ''}</td>
                  <td class="utrecht-table__cell">{r ? r.overdue : ''}</td>
                  <td class="utrecht-table__cell">{r ? r.missingExpiresAt : ''}</td>
                  <td class="utrecht-table__cell">{r ? r.mechanism : ''}</td>
                  {DELETION_MECHANISMS.map((m) => <td class="utrecht-table__cell">{d[m]?.count ?? 0}</td>)}
                  <td class="utrecht-table__cell">{v.deletions.ttlOverdue[n] ?? 0}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  ));
}
