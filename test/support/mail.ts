/** Builds small RFC 5322 messages for tests (CRLF line ends, fictitious people). */
import { randomBytes } from 'node:crypto';

export interface MailSpec {
  from: string;
  fromName?: string;
  to?: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  headers?: Record<string, string>;
  date?: Date;
}

export function newMessageId(): string {
  return `${randomBytes(8).toString('hex')}@citizens.test`;
}

export function buildMail(spec: MailSpec): Buffer {
  const lines = [
    `From: ${spec.fromName ? `"${spec.fromName}" ` : ''}<${spec.from}>`,
    `To: ${spec.to ?? 'intake@kcc.test'}`,
    `Subject: ${spec.subject}`,
    `Date: ${(spec.date ?? new Date()).toUTCString()}`,
    `Message-ID: <${spec.messageId ?? newMessageId()}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`, `References: <${spec.inReplyTo}>`] : []),
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...spec.text.split('\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

const QUESTIONS = [
  { subject: 'Activeringscode niet ontvangen', text: 'Ik heb twee weken geleden een DigiD aangevraagd maar de activeringscode is nog steeds niet aangekomen. Wat moet ik doen?' },
  { subject: 'Wachtwoord vergeten', text: 'Ik ben mijn DigiD wachtwoord vergeten en kan niet meer inloggen. Hoe kan ik een nieuw wachtwoord instellen?' },
  { subject: 'Berichtenbox', text: 'Ik krijg geen meldingen meer van nieuwe berichten in mijn Berichtenbox van MijnOverheid. Hoe los ik dit op?' },
  { subject: 'DigiD app', text: 'The DigiD app crashes when I try to scan my passport for the ID check. I have a new phone.' },
];

/** A realistic citizen question, Dutch or English, signed with name, address and phone. */
export function citizenMail(i: number, from: string, extra: Partial<MailSpec> = {}): Buffer {
  const q = QUESTIONS[i % QUESTIONS.length]!;
  const english = /The DigiD app/.test(q.text);
  const name = `Test Burger ${String.fromCharCode(65 + (i % 26))}${i}`;
  const phone = `06-${String(10000000 + i).slice(-8)}`;
  const text = english
    ? `Hello,\n\n${q.text}\n\nKind regards,\n${name}\nDorpsstraat ${1 + (i % 90)}\n1234 AB Ergenshuizen\n${phone}`
    : `Geachte heer/mevrouw,\n\n${q.text}\n\nMet vriendelijke groet,\n${name}\nDorpsstraat ${1 + (i % 90)}\n1234 AB Ergenshuizen\nTel. ${phone}`;
  return buildMail({ from, fromName: name, subject: q.subject, text, ...extra });
}
