/**
 * The survey's views: the citizens' public pages (consent, form, their end states), the
 * consent block on the case view and the team lead's report. Server-rendered, escaped by
 * preact, no inline script or style; every form control has a label, radio groups a
 * fieldset and legend (WCAG 2.1 AA, checked with axe in the browser test).
 */
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { Lang } from '../i18n.ts';
import { surveyStrings, type SurveyStrings } from '../i18n.ts';
import type { ConsentState, SurveyReport } from '../../processors/survey/index.ts';
import type { PageContext } from './layout.tsx';

export interface PublicContext { lang: Lang; s: SurveyStrings; path: string }

function switchLanguage(path: string, to: string): string {
  const u = new URL(path, 'http://x');
  u.searchParams.set('lang', to);
  return `${u.pathname}${u.search}`;
}

/** The frame of a citizen's page: no workbench navigation, no sign-in, the same style sheets. */
export function publicPage(ctx: PublicContext, title: string, body: ComponentChildren): string {
  const other = ctx.lang === 'nl' ? 'en' : 'nl';
  return `<!doctype html>${render(
    <html lang={ctx.lang} class="utrecht-theme">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} — ${ctx.s.orgName}`}</title>
        <link rel="stylesheet" href="/static/utrecht-tokens.css" />
        <link rel="stylesheet" href="/static/utrecht.css" />
        <link rel="stylesheet" href="/static/workbench.css" />
      </head>
      <body class="utrecht-document utrecht-document--surface">
        <a class="utrecht-skip-link utrecht-skip-link--visible-on-focus" href="#inhoud">{ctx.lang === 'en' ? 'Skip to content' : 'Naar de inhoud'}</a>
        <header class="utrecht-page-header kcc-header">
          <nav aria-label={ctx.s.orgName} class="kcc-nav">
            <span class="kcc-brand">{ctx.s.orgName}</span>
            <a class="utrecht-link" href={switchLanguage(ctx.path, other)} lang={other} hreflang={other}>{other === 'en' ? 'English' : 'Nederlands'}</a>
          </nav>
        </header>
        <main id="inhoud" class="utrecht-page-content kcc-main" tabIndex={-1}>{body}</main>
      </body>
    </html>,
  )}`;
}

export function notice(ctx: PublicContext, title: string, text: string, children?: ComponentChildren): string {
  return publicPage(ctx, title, (
    <section>
      <h1 class="utrecht-heading-1">{title}</h1>
      <p class="utrecht-paragraph">{text}</p>
      {children}
    </section>
  ));
}

export function consentPage(ctx: PublicContext, v: { action: string; form: string; given: boolean; done?: 'given' | 'withdrawn' }): string {
  const { s } = ctx;
  return publicPage(ctx, s.consentTitle, (
    <section>
      <h1 class="utrecht-heading-1">{s.consentTitle}</h1>
      {v.done && <div class="utrecht-alert utrecht-alert--ok" role="status"><p class="utrecht-paragraph">{v.done === 'given' ? s.consentThanksGiven : s.consentThanksWithdrawn}</p></div>}
      <p class="utrecht-paragraph"><strong>{s.consentQuestion}</strong></p>
      <p class="utrecht-paragraph">{s.consentExplain}</p>
      <p class="utrecht-paragraph" data-testid="consent-state">{v.given ? s.consentIsGiven : s.consentIsNotGiven}</p>
      <form method="post" action={v.action} class="kcc-action">
        <input type="hidden" name="_form" value={v.form} />
        {v.given
          ? <button type="submit" name="choice" value="withdraw" class="utrecht-button utrecht-button--secondary-action">{s.consentWithdraw}</button>
          : <button type="submit" name="choice" value="give" class="utrecht-button utrecht-button--primary-action">{s.consentGive}</button>}
      </form>
    </section>
  ));
}

function Scale({ name, legend, labels, s, checked }: { name: string; legend: string; labels: Record<string, string>; s: SurveyStrings; checked?: string }) {
  return (
    <fieldset class="utrecht-form-fieldset kcc-fieldset">
      <legend class="utrecht-form-fieldset__legend">{legend} <span class="kcc-muted">{s.required}</span></legend>
      {Object.entries(labels).map(([value, label]) => (
        <div class="utrecht-form-field utrecht-form-field--radio">
          <input type="radio" class="utrecht-radio-button utrecht-radio-button--html-input" id={`${name}-${value}`} name={name} value={value} required checked={checked === value} />
          <label class="utrecht-form-label utrecht-form-label--radio" for={`${name}-${value}`}>{label}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function formPage(ctx: PublicContext, v: { action: string; form: string; consentUrl: string; error?: boolean; values?: Record<string, string> }): string {
  const { s } = ctx;
  return publicPage(ctx, s.formTitle, (
    <section>
      <h1 class="utrecht-heading-1">{s.formTitle}</h1>
      {v.error && <div class="utrecht-alert utrecht-alert--warning" role="alert"><p class="utrecht-paragraph">{s.incomplete}</p></div>}
      <p class="utrecht-paragraph">{s.formIntro}</p>
      <form method="post" action={v.action} class="kcc-survey-form">
        <input type="hidden" name="_form" value={v.form} />
        <Scale name="overall" legend={s.qOverall} labels={s.scale} s={s} {...(v.values?.overall ? { checked: v.values.overall } : {})} />
        <Scale name="answered" legend={s.qAnswered} labels={s.answeredValues} s={s} {...(v.values?.answered ? { checked: v.values.answered } : {})} />
        <Scale name="ease" legend={s.qEase} labels={s.easeScale} s={s} {...(v.values?.ease ? { checked: v.values.ease } : {})} />
        <div class="utrecht-form-field">
          <label class="utrecht-form-label" for="comment">{s.qComment}</label>
          <p class="utrecht-form-field-description" id="comment-hint">{s.commentHint}</p>
          <textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="comment" name="comment" rows={5} maxLength={2000} aria-describedby="comment-hint">{v.values?.comment ?? ''}</textarea>
        </div>
        <button type="submit" class="utrecht-button utrecht-button--primary-action">{s.submit}</button>
      </form>
      <p class="utrecht-paragraph"><a class="utrecht-link" href={v.consentUrl}>{s.withdrawHere}</a></p>
    </section>
  ));
}

/** The consent block on the case view (agents). */
export function CaseSurveySection({ ctx, caseNumber, states, requestId }: { ctx: PageContext; caseNumber: string; states: ConsentState[]; requestId: string }) {
  const s = surveyStrings(ctx.lang);
  const given = states.filter((x) => x.given);
  const id = (x: string) => `${x}-${caseNumber}`;
  return (
    <section aria-labelledby={id('survey-h')}>
      <h2 class="utrecht-heading-2" id={id('survey-h')}>{s.caseHeading}</h2>
      <ul data-testid="survey-consent">
        {states.length === 0 && <li>{s.caseNone}</li>}
        {states.map((x) => (
          <li>{s.addressKinds[x.kind]}: {x.given ? s.caseGiven(s.sources[x.source ?? ''] ?? '') : x.withdrawnAt ? s.caseWithdrawn : s.caseNone}</li>
        ))}
      </ul>
      {states.length > 0 && (
        <details class="kcc-details">
          <summary>{s.recordTitle}</summary>
          <form method="post" action={`/zaken/${caseNumber}/enquete-toestemming`} class="kcc-action">
            <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
            <input type="hidden" name="requestId" value={requestId} />
            <p class="utrecht-paragraph" id={id('survey-hint')}>{s.recordHint}</p>
            <div class="utrecht-form-field">
              <label class="utrecht-form-label" for={id('survey-source')}>{s.sourceLabel}</label>
              <select class="utrecht-select utrecht-select--html-select" id={id('survey-source')} name="source">
                <option value="agent_phone">{s.sources.agent_phone}</option>
                <option value="agent_message">{s.sources.agent_message}</option>
              </select>
            </div>
            <div class="utrecht-form-field">
              <label class="utrecht-form-label" for={id('survey-address')}>{s.addressLabel}</label>
              <select class="utrecht-select utrecht-select--html-select" id={id('survey-address')} name="address" aria-describedby={id('survey-hint')}>
                {states.map((x) => <option value={x.kind}>{s.addressKinds[x.kind]} ({x.address})</option>)}
              </select>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">{s.record}</button>
          </form>
        </details>
      )}
      {given.length > 0 && (
        <form method="post" action={`/zaken/${caseNumber}/enquete-intrekken`} class="kcc-action">
          <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">{s.withdraw}</button>
        </form>
      )}
    </section>
  );
}

const pct = (n: number | null) => (n === null ? '' : `${Math.round(n * 100)}%`);
const dist = (d: Record<string, number> | undefined) => (d ? [1, 2, 3, 4, 5].map((v) => d[String(v)] ?? 0).join(' / ') : '');

export function ReportBody({ lang, r }: { lang: Lang; r: SurveyReport }) {
  const s = surveyStrings(lang);
  const rows = (label: string, gs: SurveyReport['total'][]) => (
    <table class="utrecht-table kcc-table">
      <caption class="utrecht-table__caption">{label}</caption>
      <thead class="utrecht-table__header"><tr class="utrecht-table__row">
        {(['group', 'invited', 'answered', 'rate', 'overall', 'overallDist', 'q', 'ease', 'easeDist'] as const).map((c) => <th class="utrecht-table__header-cell" scope="col">{s.cols[c]}</th>)}
      </tr></thead>
      <tbody class="utrecht-table__body">
        {gs.map((g) => (
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="row">{g.key === 'total' ? s.total : g.key}</th>
            <td class="utrecht-table__cell">{g.invited}</td>
            {g.suppressed
              ? <td class="utrecht-table__cell" colSpan={7}>{s.suppressed}</td>
              : <>
                <td class="utrecht-table__cell">{g.answered}</td>
                <td class="utrecht-table__cell">{pct(g.responseRate)}</td>
                <td class="utrecht-table__cell">{g.overall?.mean}</td>
                <td class="utrecht-table__cell">{dist(g.overall?.distribution)}</td>
                <td class="utrecht-table__cell">{g.questionAnswered ? `${g.questionAnswered.yes} / ${g.questionAnswered.partly} / ${g.questionAnswered.no}` : ''}</td>
                <td class="utrecht-table__cell">{g.ease?.mean}</td>
                <td class="utrecht-table__cell">{dist(g.ease?.distribution)}</td>
              </>}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <>
      <h1 class="utrecht-heading-1">{s.reportTitle}</h1>
      <p class="utrecht-paragraph">{s.reportIntro(r.minGroup)}</p>
      <p class="utrecht-paragraph" data-testid="agent-figures">{r.agentFigures ? s.agentOn : s.agentOff}</p>
      <p class="utrecht-paragraph"><a class="utrecht-link" href="/enquete-rapport.csv">{s.csv}</a></p>
      {rows(s.total, [r.total])}
      {Object.entries(r.groups).map(([d, gs]) => rows(s.dims[d] ?? d, gs ?? []))}
      <h2 class="utrecht-heading-2">{s.comments}</h2>
      {r.comments?.length ? <ul>{r.comments.map((c) => <li><span class="kcc-muted">{c.month}</span>: {c.text}</li>)}</ul> : <p class="utrecht-paragraph">{s.noComments}</p>}
    </>
  );
}
