/**
 * First run in demo mode (`npm start` sets KCC_WORKBENCH_DEMO=true; production leaves it
 * false): when the pipeline has no case yet and the local intake mailbox is empty, a handful
 * of fictitious citizen e-mails go into that mailbox (IMAP APPEND) and one scanned letter
 * into the letters drop folder, so a newcomer sees pre-classified cases in the workbench
 * within a minute, made by the real pipeline (ingest, parse, classify, inspect, letters).
 *
 * Everything is marked as demo data: a header `X-KCC-Demo: 1`, "[DEMO]" in every subject
 * and on the letter; the people are fictitious (names that say so, `.test` addresses, the
 * test BSN 999993653 from the range the Dutch register keeps for tests, a "SPECIMEN" ID card).
 *
 * Idempotent: it seeds only when there is no case and nothing in the intake mailbox's
 * folders (INBOX, processed, refused), and the letter only when its file is not in the drop
 * folder (or its done/ or rejected/) already; seeding twice therefore adds nothing. Every
 * message has a fixed Message-ID, so a message taken twice is recognised as one.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import type { Config } from '../config/index.ts';
import type { Logger } from '../lib/logger.ts';

export const DEMO_HEADER = 'X-KCC-Demo';
/** The letter's file name in the drop folder: fixed, so a second run finds it. */
export const DEMO_LETTER_FILE = 'kcc-demo-brief.pdf';
/** A BSN from the test range (999990000–999999999), passing the elfproef: shows the sealed-BSN flow. */
export const DEMO_BSN = '999993653';

interface DemoMail {
  id: string;
  fromName: string;
  from: string;
  subject: string;
  text: string;
  attachment?: { filename: string; contentType: string; content: Buffer };
}

/** The demo mails (Dutch and English, different topics), with the ID copy generated here. */
export async function demoMails(): Promise<DemoMail[]> {
  const sign = (name: string, street: string, city: string, phone?: string) =>
    `Met vriendelijke groet,\n${name}\n${street}\n${city}${phone ? `\nTel. ${phone}` : ''}\n\n(Dit is een fictief demobericht.)`;
  return [
    {
      id: 'demo-1', fromName: 'Fenna Fictief (demo)', from: 'fenna.fictief@voorbeeld.test',
      subject: '[DEMO] DigiD wachtwoord vergeten',
      text: `Geachte heer/mevrouw,\n\nIk ben mijn DigiD wachtwoord vergeten en kan niet meer inloggen bij de gemeente. Hoe kan ik een nieuw wachtwoord instellen?\n\n${sign('Fenna Fictief', 'Demostraat 1', '1234 AB Voorbeelddorp', '06-12345678')}`,
    },
    {
      id: 'demo-2', fromName: 'Bram Bedacht (demo)', from: 'bram.bedacht@voorbeeld.test',
      subject: '[DEMO] Activeringscode niet ontvangen',
      text: `Goedemiddag,\n\nIk heb twee weken geleden een DigiD aangevraagd, maar de activeringscode is nog steeds niet aangekomen. Wat moet ik doen?\n\n${sign('Bram Bedacht', 'Proefweg 22', '5678 CD Testmaat')}`,
    },
    {
      id: 'demo-3', fromName: 'Alex Example (demo)', from: 'alex.example@example.test',
      subject: '[DEMO] DigiD app crashes when scanning my passport',
      text: 'Hello,\n\nThe DigiD app crashes every time I try to scan my passport for the ID check. I live abroad and have a new phone. What can I do?\n\nKind regards,\nAlex Example\n1 Sample Street\nExampleton\n\n(This is a fictitious demo message.)',
    },
    {
      id: 'demo-4', fromName: 'Mila Model (demo)', from: 'mila.model@voorbeeld.test',
      subject: '[DEMO] Machtiging voor mijn moeder',
      text: `Beste medewerker,\n\nIk wil DigiD Machtigen gebruiken om de belastingaangifte van mijn moeder te doen. Haar BSN is ${DEMO_BSN}. Kunt u mij uitleggen hoe ik een machtiging aanvraag?\n\n${sign('Mila Model', 'Voorbeeldlaan 7', '9012 EF Demostad', '06-87654321')}`,
    },
    {
      id: 'demo-5', fromName: 'Sam Specimen (demo)', from: 'sam.specimen@voorbeeld.test',
      subject: '[DEMO] Kopie identiteitskaart voor mijn DigiD aanvraag',
      text: `Geachte heer/mevrouw,\n\nU vroeg om een kopie van mijn identiteitsbewijs voor mijn DigiD aanvraag. Die stuur ik hierbij mee.\n\n${sign('Sam Specimen', 'Specimenplein 3', '3456 GH Nergenshuizen')}`,
      attachment: { filename: 'identiteitskaart.png', contentType: 'image/png', content: await specimenIdCard() },
    },
    {
      id: 'demo-6', fromName: 'Rosa Raadsel (demo)', from: 'rosa.raadsel@voorbeeld.test',
      subject: '[DEMO] Geen meldingen meer uit de Berichtenbox',
      text: `Hallo,\n\nIk krijg geen e-mail meer als er een nieuw bericht in mijn Berichtenbox van MijnOverheid staat. Hoe zet ik de meldingen weer aan?\n\n${sign('Rosa Raadsel', 'Raadselkade 5', '7890 IJ Verzinsel')}`,
    },
  ];
}

/** A fictitious Dutch ID card, drawn here: "SPECIMEN", a demo name, no number of anyone. */
async function specimenIdCard(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="856" height="540">
  <rect width="856" height="540" rx="30" fill="#dfe9f5"/>
  <text x="40" y="70" font-family="DejaVu Sans, sans-serif" font-size="34" font-weight="bold">NEDERLANDSE IDENTITEITSKAART</text>
  <text x="40" y="110" font-family="DejaVu Sans, sans-serif" font-size="22">IDENTITY CARD · KONINKRIJK DER NEDERLANDEN</text>
  <rect x="40" y="150" width="220" height="290" fill="#b9c7d8"/>
  <text x="300" y="190" font-family="DejaVu Sans, sans-serif" font-size="22">Naam / Surname: SPECIMEN</text>
  <text x="300" y="230" font-family="DejaVu Sans, sans-serif" font-size="22">Voornamen / Given names: SAM</text>
  <text x="300" y="270" font-family="DejaVu Sans, sans-serif" font-size="22">Geboortedatum: 01 01 1990</text>
  <text x="300" y="310" font-family="DejaVu Sans, sans-serif" font-size="22">Geldig tot: 01 01 2030</text>
  <text x="300" y="420" font-family="DejaVu Sans, sans-serif" font-size="54" font-weight="bold" fill="#c0392b">SPECIMEN · DEMO</text>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The demo letter as a one-page PDF (a "scan" with a text layer; the letter stage reads either). */
export async function demoLetterPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  const lines = [
    '[DEMO] Fictieve brief - demogegevens',
    '',
    'Pieter Proef',
    'Demostraat 10',
    '1234 AB Voorbeelddorp',
    '',
    'Aan: Logius, Klantcontactcentrum',
    'Postbus 96810, 2509 JE Den Haag',
    '',
    'Betreft: [DEMO] DigiD aanvragen zonder computer',
    '',
    'Geachte heer/mevrouw,',
    '',
    'Ik heb geen computer en wil toch een DigiD aanvragen.',
    'Kunt u mij per brief uitleggen hoe ik dat kan doen?',
    '',
    'Met vriendelijke groet,',
    'Pieter Proef',
    '',
    '(Dit is een fictieve demobrief.)',
  ];
  lines.forEach((l, i) => page.drawText(l, { x: 72, y: 760 - i * 22, size: 13, font }));
  return Buffer.from(await doc.save());
}

/** RFC 5322 with CRLF line ends; an attachment makes it multipart/mixed. */
export function demoRaw(m: DemoMail, to: string, date: Date): Buffer {
  const head = [
    `From: "${m.fromName}" <${m.from}>`,
    `To: ${to}`,
    `Subject: ${m.subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${m.id}@demo.kcc.test>`,
    `${DEMO_HEADER}: 1`,
    'MIME-Version: 1.0',
  ];
  const body = m.text.split('\n').join('\r\n');
  if (!m.attachment) {
    return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n'), 'utf8');
  }
  const boundary = `demo-${randomBytes(8).toString('hex')}`;
  const b64 = m.attachment.content.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from([
    ...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
    `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, '',
    `--${boundary}`, `Content-Type: ${m.attachment.contentType}; name="${m.attachment.filename}"`, 'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${m.attachment.filename}"`, '', b64, '',
    `--${boundary}--`, '',
  ].join('\r\n'), 'utf8');
}

export interface DemoSeedResult {
  mails: number;
  letter: boolean;
  /** Why nothing (or not everything) was seeded. */
  skipped: Array<'demo_off' | 'cases_exist' | 'mailbox_not_empty' | 'no_drop_dir' | 'letter_present'>;
}

export interface DemoSeedOptions {
  config: Config;
  logger: Logger;
  /** How many cases the database holds already (the app's case store). */
  caseCount(): Promise<number>;
  clock?: () => Date;
}

async function exists(p: string): Promise<boolean> {
  try { await access(p); return true; } catch { return false; }
}

export async function seedDemo(o: DemoSeedOptions): Promise<DemoSeedResult> {
  const { config } = o;
  const log = o.logger.child({ stage: 'demo' });
  const result: DemoSeedResult = { mails: 0, letter: false, skipped: [] };
  if (!config.workbench.demo) return { ...result, skipped: ['demo_off'] };
  if ((await o.caseCount()) > 0) return { ...result, skipped: ['cases_exist'] };

  const imap = new ImapFlow({ host: config.imap.host, port: config.imap.port, secure: config.imap.secure, auth: { user: config.imap.user, pass: config.imap.password }, logger: false });
  await imap.connect();
  try {
    const inbox = config.imap.mailboxes[0] ?? 'INBOX';
    let held = 0;
    for (const folder of new Set([...config.imap.mailboxes, config.imap.processedFolder, config.imap.refusedFolder])) {
      // A folder the ingestor has not made yet holds nothing.
      const st = await imap.status(folder, { messages: true }).catch(() => null);
      held += st ? (st.messages ?? 0) : 0;
    }
    if (held > 0) {
      result.skipped.push('mailbox_not_empty');
    } else {
      const now = o.clock?.() ?? new Date();
      const mails = await demoMails();
      for (const [i, m] of mails.entries()) {
        // A minute apart, oldest first: the queue shows them in the order they "arrived".
        await imap.append(inbox, demoRaw(m, config.imap.user, new Date(now.getTime() - (mails.length - i) * 60_000)));
        result.mails += 1;
      }
    }
  } finally {
    await imap.logout().catch(() => undefined);
  }

  const dropDir = config.letters.dropDir;
  if (!dropDir) {
    result.skipped.push('no_drop_dir');
  } else if (result.mails === 0) {
    // Not a first run after all (the mailbox had mail): no letter either.
  } else if ((await Promise.all([dropDir, path.join(dropDir, 'done'), path.join(dropDir, 'rejected')].map((d) => exists(path.join(d, DEMO_LETTER_FILE))))).some(Boolean)) {
    result.skipped.push('letter_present');
  } else {
    await mkdir(dropDir, { recursive: true });
    // Written beside, then renamed: the ingestor never reads half a file.
    const part = path.join(dropDir, `.${DEMO_LETTER_FILE}.part`);
    await writeFile(part, await demoLetterPdf());
    await rename(part, path.join(dropDir, DEMO_LETTER_FILE));
    result.letter = true;
  }
  log.info({ mails: result.mails, letter: result.letter, skipped: result.skipped }, result.mails > 0 ? 'demo data seeded (fictitious, marked [DEMO])' : 'demo data not seeded');
  return result;
}
