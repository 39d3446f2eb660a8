/**
 * The citizen's message as sent (issue #16): a sandboxed frame (no scripts, no same origin;
 * popups only so that links open in a new tab), a plain-text mode one click away, and each
 * attachment with what may be done with it. Every decision (what is shown, what is download
 * only) is processors/content's; this only links to the routes in routes/content.tsx.
 */
import type { CaseView } from '../../processors/cases/index.ts';
import { presentationOf } from '../../processors/content/render.ts';
import { contentStrings } from '../i18n.ts';
import type { PageContext } from './layout.tsx';

type Message = CaseView['messages'][number];

/** Plain text when the page was asked for it (`?weergave=tekst`). */
export function plainTextMode(ctx: PageContext): boolean {
  return new URL(ctx.path, 'http://x').searchParams.get('weergave') === 'tekst';
}

export function contentBase(caseNumber: string, m: Pick<Message, 'dedupeKey'>): string {
  return `/zaken/${caseNumber}/inhoud/${encodeURIComponent(m.dedupeKey)}`;
}

export function MessageBody({ ctx, caseNumber, m, index }: { ctx: PageContext; caseNumber: string; m: Message; index: number }) {
  const s = contentStrings(ctx.lang);
  if (m.channel !== 'email') return <pre class="kcc-text">{m.text}</pre>;
  const plain = plainTextMode(ctx);
  const anchor = `bericht-${index}`;
  return (
    <div id={anchor}>
      <p class="utrecht-paragraph kcc-view-switch">
        {plain
          ? <a class="utrecht-link" data-testid="show-formatted" href={`/zaken/${caseNumber}#${anchor}`}>{s.showFormatted}</a>
          : <a class="utrecht-link" data-testid="show-plain" href={`/zaken/${caseNumber}?weergave=tekst#${anchor}`}>{s.showPlain}</a>}
      </p>
      {plain
        ? <pre class="kcc-text" data-testid="plain-text">{m.text}</pre>
        : <iframe class="kcc-message-frame" data-testid="message-frame" src={`/zaken/${caseNumber}/bericht/${encodeURIComponent(m.dedupeKey)}`} sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" title={s.frameTitle} />}
    </div>
  );
}

export function AttachmentList({ ctx, caseNumber, m }: { ctx: PageContext; caseNumber: string; m: Message }) {
  const s = contentStrings(ctx.lang);
  if (m.attachments.length === 0) return null;
  const base = contentBase(caseNumber, m);
  return (
    <ul class="kcc-attachments">
      {m.attachments.map((a, i) => {
        const label = <>{a.filename} ({a.contentType}, {Math.ceil(a.size / 1024)} kB)</>;
        if (a.kind === 'id_document' || a.kind === 'signature') return <li>{label} — {s.idCopy}</li>;
        if (a.inspection === 'pending') return <li>{label} — {s.pending}</li>;
        // A letter's image pages are kept like e-mail attachments (processors/letters/keep-pages.ts); a text page is the message's text.
        if (m.channel === 'letter' && a.contentType === 'text/plain') return <li>{label}</li>;
        const how = presentationOf(a.contentType, a.filename);
        return (
          <li data-testid="attachment">
            {label}
            {how === 'image' && <> — <a class="utrecht-link" data-testid="attachment-view" href={`${base}/${i}`}>{s.view}</a></>}
            {how === 'pdf' && <> — <a class="utrecht-link" data-testid="attachment-view" href={`${base}/${i}/pagina/1`}>{s.viewPage}</a></>}
            {how === 'risky'
              ? <> — <span class="kcc-attachment-warning">{s.riskyShort}</span>: <a class="utrecht-link" href={`${base}/${i}/download`}>{s.download}</a></>
              : <> — <a class="utrecht-link" href={`${base}/${i}/download`}>{s.download}</a></>}
          </li>
        );
      })}
    </ul>
  );
}
