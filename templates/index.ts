/**
 * Message templates (NL/EN), kept as plain text files so that the contact centre can edit
 * the wording without touching code. The first line is the subject ("Onderwerp:" /
 * "Subject:"); `{{name}}` placeholders are replaced; an unknown placeholder is an error at
 * load time, not a blank in a citizen's mailbox.
 */
import { readFileSync } from 'node:fs';

export type TemplateLanguage = 'nl' | 'en';

export interface RenderedMail { subject: string; text: string }

export function loadMailTemplate(name: string, lang: TemplateLanguage, allowed: readonly string[]): (vars: Record<string, string>) => RenderedMail {
  const source = readFileSync(new URL(`./${name}.${lang}.txt`, import.meta.url), 'utf8');
  const [first, ...rest] = source.split('\n');
  const subjectLine = /^(?:Onderwerp|Subject):\s*(.*)$/.exec(first ?? '');
  if (!subjectLine) throw new Error(`template ${name}.${lang}: first line must be "Onderwerp:" or "Subject:"`);
  const body = rest.join('\n').replace(/^\n+/, '');
  for (const m of source.matchAll(/\{\{(\w+)\}\}/g)) {
    if (!allowed.includes(m[1]!)) throw new Error(`template ${name}.${lang}: unknown placeholder {{${m[1]}}}`);
  }
  return (vars) => {
    const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
      const v = vars[k];
      if (v === undefined) throw new Error(`template ${name}.${lang}: no value for {{${k}}}`);
      return v;
    });
    return { subject: fill(subjectLine[1]!), text: fill(body) };
  };
}

/**
 * A block of body text (no subject line) with placeholders, for a paragraph a mail carries
 * only sometimes (the survey question in the acknowledgment).
 */
export function loadTextBlock(name: string, lang: TemplateLanguage, allowed: readonly string[]): (vars: Record<string, string>) => string {
  const source = readFileSync(new URL(`./${name}.${lang}.txt`, import.meta.url), 'utf8');
  for (const m of source.matchAll(/\{\{(\w+)\}\}/g)) {
    if (!allowed.includes(m[1]!)) throw new Error(`template ${name}.${lang}: unknown placeholder {{${m[1]}}}`);
  }
  return (vars) => source.replace(/\{\{(\w+)\}\}/g, (_, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`template ${name}.${lang}: no value for {{${k}}}`);
    return v;
  });
}

/** Placeholders an answer template may use: the composer fills them in before the agent edits. */
export const ANSWER_VARS = ['name', 'caseNumber'] as const;

/**
 * The composer's starting text for a topic (templates/answers/<topic>.<lang>.txt, else
 * default.<lang>.txt). The agent edits it; nothing is sent without them.
 */
export function answerTemplate(topic: string, lang: TemplateLanguage): (vars: Record<(typeof ANSWER_VARS)[number], string>) => RenderedMail {
  const safeTopic = /^[a-z0-9_]{1,60}$/.test(topic) ? topic : 'default';
  let name = `answers/${safeTopic}`;
  try {
    readFileSync(new URL(`./${name}.${lang}.txt`, import.meta.url));
  } catch {
    name = 'answers/default';
  }
  return loadMailTemplate(name, lang, ANSWER_VARS);
}
