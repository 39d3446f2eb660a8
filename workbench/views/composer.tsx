import type { CaseView } from '../../processors/cases/index.ts';
import type { PageContext } from './layout.tsx';

/** The reply composer: a topic's answer template, filled in, for the agent to edit and send. */
export function Composer({ ctx, c, requestId, draft }: { ctx: PageContext; c: CaseView; requestId: string; draft: { subject: string; text: string } }) {
  const { t } = ctx;
  const id = (s: string) => `${s}-${c.caseNumber}`;
  return (
    <form method="post" action={`/zaken/${c.caseNumber}/reply`} class="kcc-action" aria-labelledby={id('reply-h')}>
      <h3 class="utrecht-heading-3" id={id('reply-h')}>{t.replyByEmail}</h3>
      <input type="hidden" name="_csrf" value={ctx.csrf ?? ''} />
      <input type="hidden" name="version" value={String(c.version ?? 0)} />
      <input type="hidden" name="requestId" value={requestId} />
      <p class="utrecht-paragraph">{t.replyTo}: {c.replyAddress}</p>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for={id('reply-subject')}>{t.subject}</label>
        <div><input class="utrecht-textbox utrecht-textbox--html-input" id={id('reply-subject')} name="subject" value={draft.subject} maxLength={300} required data-draft={`${c.caseNumber}:reply-subject`} data-draft-action="reply" /></div>
      </div>
      <div class="utrecht-form-field">
        <label class="utrecht-form-label" for={id('reply-text')}>{t.answer}</label>
        <div><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id={id('reply-text')} name="text" rows={12} maxLength={16000} required data-draft={`${c.caseNumber}:reply-text`} data-draft-action="reply">{draft.text}</textarea></div>
      </div>
      <button type="submit" class="utrecht-button utrecht-button--primary-action">{t.send}</button>
    </form>
  );
}

/** The replies in the conversation, with their sending state ("wacht op verzending"). */
export function replyStatusLabel(ctx: PageContext, status: string): string {
  return ctx.t.replyStatus[status] ?? status;
}
