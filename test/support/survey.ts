/** Survey test helpers: the invitation read back over IMAP, its form link, consent through the page. */
import { imapAs } from './env.ts';
import { Agent } from './workbench.ts';

/** The text of every message in an INBOX (the invitation's body, links included). */
export async function inboxTexts(address: string): Promise<string[]> {
  const client = await imapAs(address);
  const out: string[] = [];
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      const s = await client.status('INBOX', { messages: true });
      if (s && s.messages) for await (const m of client.fetch('1:*', { source: true })) out.push(m.source!.toString('utf8'));
    } finally { lock.release(); }
  } finally { await client.logout(); }
  return out;
}

/** The form link in an invitation (quoted-printable soft breaks undone). */
export function formLinkOf(source: string): string {
  const body = source.replace(/=\r?\n/g, '');
  const m = /(https?:\/\/[^\s]+\/enquete\/[\w-]{43})\b/.exec(body);
  if (!m) throw new Error('no form link in the invitation');
  return m[1]!;
}

export async function consentThroughPage(base: string, link: string, choice: 'give' | 'withdraw' = 'give'): Promise<number> {
  const a = new Agent(base);
  const page = await a.get(link);
  const form = /name="_form" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await a.form(new URL(link).pathname, { _form: form, choice });
  return res.status;
}

