import { A4_300DPI, prng, rasterise, svgDocument, type ScanOptions, type TextLine } from './render.ts';

/**
 * Synthetic citizen letters, Dutch and English, laid out like the ones the post room scans:
 * sender's address block top left, the addressee, place and date, a "Betreft:" / "Subject:"
 * line, a body, a closing and the name. Every person, address and number is invented.
 */

export type LetterLanguage = 'nl' | 'en';

export interface GeneratedPage {
  image: Buffer;
  mime: 'image/png' | 'image/jpeg';
  /** What is printed on the page, line by line (blank line between blocks). */
  text: string;
}

const SENDERS = [
  ['J. de Vries', 'Lindelaan 12', '3581 AB Utrecht'],
  ['M. Jansen-Bakker', 'Kerkstraat 7a', '9711 HL Groningen'],
  ['P. van den Berg', 'Molenweg 233', '5611 EZ Eindhoven'],
  ['A. Visser', 'Zeestraat 45', '2518 AA Den Haag'],
];

const NL = {
  to: ['Logius', 'Klantcontactcentrum', 'Postbus 96810', '2509 JE Den Haag'],
  places: ['Utrecht', 'Groningen', 'Eindhoven', 'Den Haag'],
  months: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
  subjects: [
    'inloggen met DigiD lukt niet meer',
    'brief in de Berichtenbox niet te openen',
    'machtiging voor mijn moeder aanvragen',
    'activeringscode DigiD nooit ontvangen',
  ],
  opening: 'Geachte heer, mevrouw,',
  sentences: [
    'Sinds een paar weken kan ik niet meer inloggen met mijn DigiD op de website van de gemeente.',
    'Ik krijg steeds de melding dat mijn gebruikersnaam of wachtwoord niet klopt, terwijl ik zeker weet dat ze juist zijn.',
    'Mijn zoon heeft mij geholpen om een nieuw wachtwoord aan te vragen, maar de brief met de code is niet aangekomen.',
    'Ik heb geen smartphone en gebruik daarom de sms-controle op mijn vaste telefoon.',
    'In MijnOverheid zie ik een nieuw bericht van de Belastingdienst, maar ik kan het niet openen.',
    'Wilt u mij laten weten wat ik moet doen om weer toegang te krijgen tot mijn gegevens?',
    'Ik ben zevenentachtig jaar en de computer is voor mij niet altijd even makkelijk.',
    'Eerder heb ik al gebeld met het servicenummer, maar daar werd ik doorverwezen naar de balie.',
    'Bij de balie in het gemeentehuis konden ze mij helaas ook niet verder helpen.',
    'Graag ontvang ik een antwoord per post, omdat ik geen e-mail gebruik.',
  ],
  closing: 'Met vriendelijke groet,',
};

const EN = {
  to: ['Logius', 'Customer Contact Centre', 'P.O. Box 96810', '2509 JE The Hague'],
  places: ['Utrecht', 'Groningen', 'Eindhoven', 'The Hague'],
  months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  subjects: [
    'cannot log in with DigiD from abroad',
    'message in my Berichtenbox cannot be opened',
    'requesting an authorisation for my mother',
    'never received my DigiD activation code',
  ],
  opening: 'Dear Sir or Madam,',
  sentences: [
    'I moved to Spain last year and since then I have not been able to log in with my DigiD.',
    'The website keeps telling me that my username or password is wrong, although I am sure both are correct.',
    'My daughter helped me request a new password, but the letter with the activation code never arrived.',
    'I do not have a Dutch mobile number, so I cannot use the text message check either.',
    'There is a new message from the Tax Administration in MijnOverheid that I cannot open.',
    'Could you please tell me what I need to do to regain access to my personal records?',
    'I called the service number before, but they referred me to the desk at the embassy.',
    'The embassy told me that they could not help me with this question and sent me back to you.',
    'I would prefer to receive your answer by post, as I rarely read my e-mail.',
    'Thank you in advance for your help with this matter, which is rather urgent for me.',
  ],
  closing: 'Kind regards,',
};

/** Greedy word wrap at a character budget that fits the text column at 11 pt. */
function wrap(paragraph: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}

/** The text of a letter (blocks separated by blank lines), without rendering it. */
export function letterText(language: LetterLanguage, seed: number): string[][] {
  const c = language === 'nl' ? NL : EN;
  const r = prng(seed * 7919 + (language === 'nl' ? 1 : 2));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sender = pick(SENDERS);
  const day = 1 + Math.floor(r() * 28);
  const date = `${pick(c.places)}, ${day} ${pick(c.months)} 2025`;
  const subjectLabel = language === 'nl' ? 'Betreft:' : 'Subject:';
  const sentences = [...c.sentences].sort(() => r() - 0.5);
  const body1 = sentences.slice(0, 3).join(' ');
  const body2 = sentences.slice(3, 6).join(' ');
  return [
    [...sender],
    [...c.to],
    [date],
    [`${subjectLabel} ${pick(c.subjects)}`],
    [c.opening],
    wrap(body1, 68),
    wrap(body2, 68),
    [c.closing],
    [sender[0]!],
  ];
}

export interface LetterOptions extends ScanOptions {
  language: LetterLanguage;
  /** Chooses sender, subject, sentence order; same seed, same letter. */
  letterSeed?: number;
  /** Font size in points at 300 dpi (default 11); 7 is small print. */
  fontPt?: number;
  /** A DejaVu family (fonts-dejavu-core): 'DejaVu Serif' (default), 'DejaVu Sans', 'DejaVu Sans Mono'. */
  family?: string;
}

/** One A4 letter page at 300 dpi, with its ground-truth text. */
export async function renderLetter(options: LetterOptions): Promise<GeneratedPage> {
  const blocks = letterText(options.language, options.letterSeed ?? 1);
  // 11 pt at 300 dpi = 46 px; 1.45 line spacing like a word processor's default.
  const size = Math.round(((options.fontPt ?? 11) * 300) / 72);
  const lead = Math.round(size * 1.45);
  const lines: TextLine[] = [];
  let y = 300;
  const left = 250;
  blocks.forEach((block, i) => {
    for (const text of block) {
      lines.push({ text, x: left, y, size, weight: i === 3 ? 'bold' : 'normal', ...(options.family ? { family: options.family } : {}) });
      y += lead;
    }
    y += lead;
  });
  const svg = svgDocument(A4_300DPI.width, A4_300DPI.height, lines);
  const { image, mime } = await rasterise(svg, { seed: options.letterSeed ?? 1, ...options });
  return { image, mime, text: blocks.map((b) => b.join('\n')).join('\n\n') };
}
