import type { ComponentChildren } from 'preact';
import type { CaseView } from '../../processors/cases/index.ts';
import { CLOSE_OUTCOMES } from '../../processors/cases/index.ts';
import type { IdentityDocumentSummary } from '../../processors/identity/index.ts';
import { page, type PageContext } from './layout.tsx';
import { Composer, replyStatusLabel } from './composer.tsx';
import { AttachmentList, MessageBody } from './content.tsx';
import { RelatedCases } from './related.tsx';
import type { RelatedCase } from '../../processors/cases/index.ts';
import { formatDate, formatDateTime } from './dates.ts';

export interface CaseViewModel {
  c: CaseView;
  idDocuments: IdentityDocumentSummary[];
  topics: readonly string[];
  /** A fresh id per rendered form: the same submission twice has one effect. */
  requestId: () => string;
  /** Set right after a second-line reveal, for that one answer only. */
  revealedBsn?: string | null;
  /** A result or refusal message to show on top. */
  notice?: { kind: 'ok' | 'error'; title: string; lines?: string[] };
  alsoOpenBy: string[];
  /** The composer's starting text (the topic's answer template, filled in). */
  draft: { subject: string; text: string };
  /** The survey's consent block (workbench/routes/survey.tsx), when the survey is on. */
  survey?: ComponentChildren;
  /** Other cases of the same citizen (keyed-hash look-ups; views/related.tsx). */
  related?: { items: RelatedCase[]; more: boolean };
  /** The agent may read this case but not act on it (second line on a first-line case: processors/cases caseAccessFor). */
  readOnly?: boolean;
}

const fmt = (lang: string, d: Date | undefined) => (d ? formatDateTime(lang, d) : '');
const fmtDate = (lang: string, d: Date) => formatDate(lang, d, 'long');

/** The extractor's field names (processors/extract UncertainField) and the label each has on this page. */
const UNCERTAIN_LABEL: Record<string, 'name' | 'street' | 'houseNumber' | 'postcode' | 'city' | 'email' | 'phones' | 'bsn'> = {
  name: 'name', street: 'street', house_number: 'houseNumber', postcode: 'postcode', city: 'city', email: 'email', phones: 'phones', bsn: 'bsn',
};

function ActionForm({ ctx, v, action, label, children, danger }: { ctx: PageContext; v: CaseViewModel; action: string; label: string; children?: ComponentChildren; danger?: boolean }) {
  return (
    <form method="post" action={`/zaken/${v.c.caseNumber}/${action}`} class="kcc-action">
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      <input type="hidden" name="version" value={String(v.c.version ?? 0)} />
      <input type="hidden" name="requestId" value={v.requestId()} />
      {children}
      <button type="submit" class={`utrecht-button ${danger ? 'utrecht-button--secondary-action' : 'utrecht-button--primary-action'}`}>{label}</button>
    </form>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: ComponentChildren }) {
  return (
    <div class="utrecht-form-field">
      <label class="utrecht-form-label" for={id}>{label}</label>
      <div>{children}</div>
    </div>
  );
}

export function casePage(ctx: PageContext, v: CaseViewModel): string {
  const { t, agent } = ctx;
  const c = v.c;
  const role = agent?.role;
  const closed = c.status === 'closed';
  const entries = [
    ...c.messages.map((m) => ({ at: m.receivedAt, kind: 'message' as const, m })),
    ...(c.notes ?? []).map((n) => ({ at: n.at, kind: 'note' as const, n })),
    ...(c.replies ?? []).map((r) => ({ at: r.at, kind: 'reply' as const, r })),
  ].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  const citizen = c.citizen ?? { phones: [] };
  const address = [[citizen.street, citizen.houseNumber].filter(Boolean).join(' '), [citizen.postcode, citizen.city].filter(Boolean).join(' '), citizen.country].filter(Boolean).join(', ');
  const fid = (s: string) => `${s}-${c.caseNumber}`;
  return page(ctx, t.caseTitle(c.caseNumber), (
    <>
      <p class="utrecht-paragraph"><a class="utrecht-link" href="/">{t.backToQueue}</a></p>
      <h1 class="utrecht-heading-1">{t.caseTitle(c.caseNumber)}</h1>
      {v.notice && (
        <div class={`utrecht-alert utrecht-alert--${v.notice.kind === 'ok' ? 'ok' : 'warning'}`} role={v.notice.kind === 'ok' ? 'status' : 'alert'}>
          <p class="utrecht-paragraph"><strong>{v.notice.title}</strong></p>
          {v.notice.lines && <ul>{v.notice.lines.map((l) => <li>{l}</li>)}</ul>}
        </div>
      )}
      {c.line === 'screening' && !closed && (
        <section class="utrecht-alert utrecht-alert--warning kcc-screening" aria-labelledby="screening-h" data-testid="screening">
          <h2 class="utrecht-heading-2" id="screening-h">{t.screeningTitle}</h2>
          <p class="utrecht-paragraph">{t.screeningText}</p>
          <p class="utrecht-paragraph"><strong>{t.screeningReasonsLabel}:</strong></p>
          <ul>{(c.screening?.reasons ?? []).map((r) => <li>{t.screeningReasons[r] ?? r}</li>)}</ul>
          {c.screening?.score !== undefined && <p class="utrecht-paragraph">{t.screeningScore}: {c.screening.score}{c.screening.symbols?.length ? ` — ${t.screeningRules}: ${c.screening.symbols.join(', ')}` : ''}</p>}
          {(role === 'first_line' || role === 'team_lead') && (
            <div class="kcc-screening-actions">
              <ActionForm ctx={ctx} v={v} action="confirm" label={t.confirmCase} />
              <ActionForm ctx={ctx} v={v} action="close" label={t.notACase} danger>
                <input type="hidden" name="outcome" value="not_a_case" />
              </ActionForm>
            </div>
          )}
        </section>
      )}
      {v.alsoOpenBy.length > 0 && <p class="utrecht-paragraph kcc-presence" role="status">{t.openedAlsoBy} {v.alsoOpenBy.join(', ')}</p>}
      <dl class="kcc-facts">
        <dt>{t.status}</dt><dd data-testid="status">{t.statuses[c.status] ?? c.status}</dd>
        <dt>{t.line}</dt><dd>{t.lines[c.line ?? 'first']}</dd>
        <dt>{t.channel}</dt><dd>{t.channels[c.channel] ?? c.channel}</dd>
        <dt>{t.languageOfCase}</dt><dd>{c.classification?.language}</dd>
        <dt>{t.assignee}</dt><dd data-testid="assignee">{c.assignee?.id ?? t.unassigned}</dd>
        <dt>{t.acknowledgment}</dt><dd>{t.ackStatus[c.ack?.status ?? 'not_needed']}</dd>
      </dl>

      <div class="kcc-columns">
        <div class="kcc-column-main">
          <section aria-labelledby="conv-h">
            <h2 class="utrecht-heading-2" id="conv-h">{t.conversation}</h2>
            <ol class="kcc-conversation">
              {entries.map((e) => e.kind === 'message' ? (
                <li class="kcc-entry kcc-entry--citizen">
                  <article aria-label={`${e.m.channel === 'letter' ? t.letterFromCitizen : t.fromCitizen}, ${fmt(ctx.lang, e.m.receivedAt)}`}>
                    <h3 class="utrecht-heading-3">{e.m.channel === 'letter' ? t.letterFromCitizen : t.fromCitizen} — {fmt(ctx.lang, e.m.receivedAt)}</h3>
                    {e.m.writtenByRepresentative && <p class="utrecht-paragraph kcc-muted">{t.byRepresentative}</p>}
                    <p class="utrecht-paragraph"><strong>{e.m.subject}</strong></p>
                    <MessageBody ctx={ctx} caseNumber={c.caseNumber} m={e.m} index={c.messages.indexOf(e.m)} />
                    <AttachmentList ctx={ctx} caseNumber={c.caseNumber} m={e.m} />
                  </article>
                </li>
              ) : e.kind === 'reply' ? (
                <li class="kcc-entry kcc-entry--reply">
                  <article aria-label={`${t.ourReply}, ${fmt(ctx.lang, e.r.at)}`}>
                    <h3 class="utrecht-heading-3">{t.ourReply} — {fmt(ctx.lang, e.r.at)} ({e.r.actor.id})</h3>
                    <p class="utrecht-paragraph" data-testid="reply-status"><strong>{replyStatusLabel(ctx, e.r.status)}</strong></p>
                    {e.r.channel === 'letter'
                      ? <p class="utrecht-paragraph"><a class="utrecht-link" href={`/zaken/${c.caseNumber}/brieven/${e.r.id}.pdf`}>{t.letterDownload}</a></p>
                      : <p class="utrecht-paragraph"><strong>{e.r.subject}</strong></p>}
                    <pre class="kcc-text">{e.r.text}</pre>
                  </article>
                </li>
              ) : (
                <li class="kcc-entry kcc-entry--note">
                  <article aria-label={`${t.internalNote}, ${fmt(ctx.lang, e.n.at)}`}>
                    <h3 class="utrecht-heading-3">{t.internalNote} — {fmt(ctx.lang, e.n.at)} ({e.n.actor.id})</h3>
                    <pre class="kcc-text">{e.n.text}</pre>
                  </article>
                </li>
              ))}
            </ol>
          </section>

          {v.related && <RelatedCases ctx={ctx} related={v.related} />}

          <section aria-labelledby="hist-h">
            <h2 class="utrecht-heading-2" id="hist-h">{t.history}</h2>
            <ol class="kcc-history">
              {(c.journal ?? []).map((j) => (
                <li>{fmt(ctx.lang, j.at)} — {t.journal[j.action] ?? j.action}{j.detail?.length ? `: ${j.detail.map((d) => t.outcomes[d] ?? d).join(', ')}` : ''} ({t.by} {j.actor.id}, {j.actor.role}){j.reason ? ` — ${t.reason}: ${j.reason}` : ''}</li>
              ))}
            </ol>
          </section>
        </div>

        <aside class="kcc-column-side" aria-label={t.actions}>
          <section aria-labelledby="contact-h">
            <h2 class="utrecht-heading-2" id="contact-h">{t.contact}</h2>
            <dl class="kcc-facts">
              <dt>{t.name}</dt><dd>{citizen.name ?? t.none}</dd>
              <dt>{t.address}</dt><dd>{address || t.none}</dd>
              <dt>{t.email}</dt><dd>{citizen.email ?? t.none}</dd>
              <dt>{t.phones}</dt><dd>{citizen.phones?.length ? citizen.phones.join(', ') : t.none}</dd>
              <dt>{t.replyAddress}</dt><dd>{c.replyAddress ?? t.none}</dd>
              {c.representative?.name && <><dt>{t.representative}</dt><dd>{c.representative.name}{c.representative.relation ? ` (${c.representative.relation})` : ''}</dd></>}
              {c.uncertainFields?.length ? <><dt>{t.uncertainFields}</dt><dd>{c.uncertainFields.map((f) => UNCERTAIN_LABEL[f] ? t[UNCERTAIN_LABEL[f]] : f).join(', ')} ({t.uncertainHint})</dd></> : null}
            </dl>
          </section>

          {!v.readOnly && v.survey}

          {!closed && !v.readOnly && (
            <details class="kcc-details">
              <summary>{t.correctContact}</summary>
              <ActionForm ctx={ctx} v={v} action="contact" label={t.save}>
                {(['name', 'street', 'houseNumber', 'postcode', 'city', 'email'] as const).map((k) => (
                  <Field id={fid(`cc-${k}`)} label={t[k]}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid(`cc-${k}`)} name={k} value={citizen[k] ?? ''} maxLength={k === 'email' ? 254 : 200} /></Field>
                ))}
                <Field id={fid('cc-phones')} label={t.phones}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid('cc-phones')} name="phones" value={(citizen.phones ?? []).join(', ')} maxLength={500} /></Field>
              </ActionForm>
            </details>
          )}

          <section aria-labelledby="bsn-h">
            <h2 class="utrecht-heading-2" id="bsn-h">{t.bsn}</h2>
            {v.revealedBsn ? <p class="utrecht-paragraph" data-testid="bsn">{t.bsnRevealed}: <strong>{v.revealedBsn}</strong></p>
              : c.hasBsn ? <p class="utrecht-paragraph">{t.bsnSealed}</p> : <p class="utrecht-paragraph">{t.bsnNone}</p>}
            {c.hasBsn && role === 'second_line' && c.escalatedAt && !v.revealedBsn && (
              <ActionForm ctx={ctx} v={v} action="bsn" label={t.revealBsn}>
                <Field id={fid('bsn-reason')} label={t.reasonReveal}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid('bsn-reason')} name="reason" required maxLength={500} /></Field>
              </ActionForm>
            )}
          </section>

          <section aria-labelledby="class-h">
            <h2 class="utrecht-heading-2" id="class-h">{t.classification}</h2>
            <dl class="kcc-facts">
              <dt>{t.pipelineTopic}</dt><dd>{c.classification?.topic} ({t.confidence} {Math.round((c.classification?.confidence ?? 0) * 100)}%)</dd>
              {c.routing?.topic && <><dt>{t.agentTopic}</dt><dd>{c.routing.topic}</dd></>}
              <dt>{t.reasons}</dt><dd>{(c.classification?.reasons ?? []).join('; ') || t.none}</dd>
            </dl>
          </section>

          <section aria-labelledby="att-h">
            <h2 class="utrecht-heading-2" id="att-h">{t.attachments}</h2>
            {v.idDocuments.map((d) => (
              <p class="utrecht-paragraph kcc-idcopy">{t.idCopyPresent(fmtDate(ctx.lang, d.expiresAt))}{!v.readOnly && <> — <a class="utrecht-link" href={`/zaken/${c.caseNumber}/id/${encodeURIComponent(d.id)}`}>{t.idOpen}</a></>}</p>
            ))}
            {v.idDocuments.length === 0 && (c.journal ?? []).some((j) => j.action === 'identity_verified' && j.detail?.[0] === 'established') && <p class="utrecht-paragraph" data-testid="id-gone">{t.idGone}</p>}
            {c.messages.every((m) => m.attachments.length === 0) && <p class="utrecht-paragraph">{t.noAttachments}</p>}
          </section>

          <section aria-labelledby="act-h">
            <h2 class="utrecht-heading-2" id="act-h">{t.actions}</h2>
            {v.readOnly ? <p class="utrecht-paragraph" data-testid="read-only">{t.caseReadOnly}</p> : <>
            {!closed && (c.assignee?.id === agent?.id
              ? <ActionForm ctx={ctx} v={v} action="release" label={t.release} danger />
              : !c.assignee?.id && <ActionForm ctx={ctx} v={v} action="claim" label={t.claim} />)}
            {!closed && role === 'team_lead' && (
              <ActionForm ctx={ctx} v={v} action="reassign" label={t.reassign}>
                <Field id={fid('to')} label={t.accountId}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid('to')} name="to" required maxLength={120} /></Field>
              </ActionForm>
            )}
            {!closed && c.line !== 'screening' && c.replyAddress && <Composer ctx={ctx} c={c} requestId={v.requestId()} draft={v.draft} />}
            {!closed && c.line !== 'screening' && (c.channel === 'letter' || !c.replyAddress) && (
              <ActionForm ctx={ctx} v={v} action="letter" label={t.letterRecord}>
                <Field id={fid('letter')} label={t.letterAnswer}><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id={fid('letter')} name="text" required rows={10} maxLength={16000}></textarea></Field>
              </ActionForm>
            )}
            <ActionForm ctx={ctx} v={v} action="note" label={t.addNote}>
              <Field id={fid('note')} label={t.note}><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id={fid('note')} name="text" required rows={3} maxLength={16000}></textarea></Field>
            </ActionForm>
            {!closed && (c.line ?? 'first') === 'first' && (
              <ActionForm ctx={ctx} v={v} action="escalate" label={t.escalate}>
                <Field id={fid('esc')} label={t.reasonEscalate}><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id={fid('esc')} name="reason" required rows={2} maxLength={16000}></textarea></Field>
              </ActionForm>
            )}
            {!closed && (
              <ActionForm ctx={ctx} v={v} action="reclassify" label={t.reclassify}>
                <Field id={fid('topic')} label={t.topic}>
                  <select class="utrecht-select utrecht-select--html-select" id={fid('topic')} name="topic">
                    {v.topics.map((x) => <option value={x} selected={x === (c.routing?.topic ?? c.classification?.topic)}>{x}</option>)}
                  </select>
                </Field>
                <Field id={fid('rc-reason')} label={t.reasonReclassify}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid('rc-reason')} name="reason" required maxLength={500} /></Field>
              </ActionForm>
            )}
            {!closed ? (
              <ActionForm ctx={ctx} v={v} action="close" label={t.close} danger>
                <Field id={fid('outcome')} label={t.outcome}>
                  <select class="utrecht-select utrecht-select--html-select" id={fid('outcome')} name="outcome" aria-describedby={fid('outcome-d')}>
                    {CLOSE_OUTCOMES.map((o) => <option value={o}>{t.outcomes[o]}</option>)}
                  </select>
                </Field>
                <p class="utrecht-form-field-description" id={fid('outcome-d')}>{t.notACaseWarning}</p>
              </ActionForm>
            ) : (
              <ActionForm ctx={ctx} v={v} action="reopen" label={t.reopen}>
                <Field id={fid('ro-reason')} label={t.reasonReopen}><input class="utrecht-textbox utrecht-textbox--html-input" id={fid('ro-reason')} name="reason" required maxLength={500} /></Field>
              </ActionForm>
            )}
            </>}
          </section>
        </aside>
      </div>
    </>
  ));
}
