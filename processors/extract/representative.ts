/**
 * Someone writing for another person: 'ik schrijf namens mijn moeder', 'voor mijn zoon',
 * 'on behalf of my father', 'als bewindvoerder van', 'mijn vader (Jan Zwart) heeft...'.
 * Finds the relation and, when given, the name of the person the question is about.
 */
import { fold } from './text.ts';
import { cleanName } from './name.ts';

/** People one writes for. Compared case-insensitively; 'cliënt(e)' also without diaeresis. */
const RELATIONS =
  'moeder|vader|zoon|dochter|broer|zus|zuster|oma|opa|grootmoeder|grootvader|schoonmoeder|schoonvader|man|vrouw|echtgenoot|echtgenote|partner|kind|tante|oom|cli[eë]nte?|pupil|buurman|buurvrouw|neighbour|neighbor|mother|father|son|daughter|brother|sister|grandmother|grandfather|grandma|grandpa|husband|wife|child|aunt|uncle|client|mum|mom|dad|mother-in-law|father-in-law';
/** Roles a court appoints a person to for another person. */
const COURT_ROLES = 'curator|beschermingsbewindvoerder|bewindvoerder|mentor|voogd|guardian|deputy';
/** Legal roles that make someone a representative. */
const ROLES =
  'curator|beschermingsbewindvoerder|bewindvoerder|mentor|voogd|gemachtigde|wettelijk vertegenwoordiger|wettelijke vertegenwoordiger|guardian|administrator|legal representative|attorney';

/**
 * Words between 'mijn' and the relation ('mijn volwassen zoon', 'my elderly mother'): ages,
 * health, order of birth. One at most.
 */
const ADJ =
  '(?:(?:volwassen|oudste|jongste|oudere|jongere|hoogbejaarde|bejaarde|zieke|dementerende|demente|minderjarige|meerderjarige|lieve|gehandicapte|adult|elderly|eldest|oldest|youngest|older|younger|minor|disabled|grown-up)\\s+)?';

/** What a writer calls themselves towards the person they write about ('ik ben de dochter van …'). */
const WRITER_RELATIONS = 'dochter|zoon|kleindochter|kleinzoon|schoondochter|schoonzoon|buurman|buurvrouw|nicht|neef|daughter|son|granddaughter|grandson|daughter-in-law|son-in-law|neighbour|neighbor|niece|nephew';
/** The writer's child relations: the person they write about is then their parent or grandparent. */
const WRITER_IS_CHILD = /^(?:dochter|zoon|kleindochter|kleinzoon|schoondochter|schoonzoon|daughter|son|granddaughter|grandson|daughter-in-law|son-in-law)$/;

const PATTERNS: Array<{ re: RegExp; kind: string }> = [
  // 'namens mijn moeder, Trees Bos', 'on behalf of my mother, Mrs. Ingrid Svensson'
  { re: new RegExp(`\\b(?:namens|on behalf of)\\s+(?:mijn|my|onze|our)\\s+${ADJ}(${RELATIONS})\\b`, 'giu'), kind: 'namens' },
  // 'als mentor van mijn broer Kevin Smeets', 'as guardian of my son'
  { re: new RegExp(`\\b(?:als|as)\\s+(?:(?:de|het|zijn|haar|the|his|her)\\s+)?(${ROLES})\\s+(?:van|of|voor|for|over)\\b(?:\\s+(?:mijn|my)\\s+(?:${RELATIONS})\\b)?`, 'giu'), kind: 'role' },
  // A court's appointment: 'benoemd tot beschermingsbewindvoerder van mevrouw E.A. Pinas',
  // 'curator over dhr. T. Nijhuis'. Only the roles a court gives a person (a 'gemachtigde'
  // appointed for a company's eHerkenning is writing for the company, i.e. for themselves).
  { re: new RegExp(`\\b(?:benoemd\\s+tot|aangesteld\\s+als|appointed(?:\\s+as)?)\\s+(?:(?:de|het|zijn|haar|the|his|her)\\s+)?(${COURT_ROLES})\\s+(?:van|of|voor|for|over)\\b`, 'giu'), kind: 'role' },
  // 'voor mijn dochter Sanne de Jong', 'for my father'
  { re: new RegExp(`\\b(?:voor|for)\\s+(?:mijn|my)\\s+(${RELATIONS})\\b`, 'giu'), kind: 'voor' },
  // With a word between ('voor mijn volwassen zoon') only after a verb of writing: 'kinderbijslag
  // voor mijn jongste dochter' is the writer's own question.
  // Also a helper's verbs: 'I volunteer for my elderly neighbour', 'ik ben mantelzorger voor mijn vader'.
  { re: new RegExp(`\\b(?:schrijf|schrijven|mail|e-?mail|mailen|write|writing|contact|volunteer|volunteering|vrijwilliger|mantelzorger|help|helping|assist|assisting|care|caring)\\s+(?:(?:u|jullie|you|dit|deze|this)\\s+(?:(?:bericht|mail|brief|message|letter)\\s+)?)?(?:voor|for)\\s+(?:mijn|my)\\s+${ADJ}(${RELATIONS})\\b`, 'giu'), kind: 'voor' },
  // 'Ik help mijn vader met zijn DigiD', 'I am assisting my elderly mother'.
  { re: new RegExp(`\\b(?:help|helpt|helpen|assist|assisting|ondersteun|ondersteunen|begeleid|begeleiden)\\s+(?:mijn|my|onze|our)\\s+${ADJ}(${RELATIONS})\\b`, 'giu'), kind: 'voor' },
  // 'Namens mevrouw J. Bakker', 'on behalf of Mr Peter Jones': a person named with a title.
  { re: /\b(?:namens|on behalf of)\s+(?=(?:de heer|mevrouw|mevr\.|dhr\.|mw\.|meneer|mr\.?|mrs\.?|ms\.?|miss)\s)/giu, kind: 'named' },
  // 'Ik ben bewindvoerder van de heer K. Dijkstra', 'I am the legal guardian of …'.
  { re: new RegExp(`\\b(?:ik ben|i am|i'm|wij zijn|we are)\\s+(?:de\\s+|het\\s+|the\\s+|zijn\\s+|haar\\s+|his\\s+|her\\s+)?(?:legal\\s+|wettelijk\\s+)?(${ROLES})\\s+(?:van|of|voor|for|over)\\b`, 'giu'), kind: 'role' },
  // 'Ik ben de dochter van mevrouw Gerda Smit', 'I am the son of Mr Ellis': the writer's relation to a named person.
  { re: new RegExp(`\\b(?:ik ben|i am|i'm)\\s+(?:de|het|the)\\s+(${WRITER_RELATIONS})\\s+(?:van|of)\\s+(?=\\p{Lu}|de heer |mevrouw |meneer )`, 'giu'), kind: 'writer-of' },
  // The relative's BSN given: 'het BSN van mijn dochter', 'mijn BSN is … en dat van mijn zoon Milan', 'the BSN of my son'.
  // A writer who gives a relative's BSN asks about that relative (the parent for a minor).
  { re: new RegExp(`\\b(?:(?:bsn|burgerservicenummer|burgerservice nummer|citizen service number)(?:\\s+(?:nummer|number))?|(?:bsn|burgerservicenummer|citizen service number)[^.\\n]{0,40}?\\b(?:en|and)\\s+(?:dat|die|that|the one))\\s+(?:van|of)\\s+(?:mijn|my|onze|our)\\s+${ADJ}(${RELATIONS})\\b`, 'giu'), kind: 'bsn-of' },
  // Sentence start: 'Mijn vader (Jan Zwart) heeft', 'Mijn zoon Daan (19)', 'Mijn moeder is 79', 'My father, Klaus Hoffmann, lives'
  { re: new RegExp(`(?:^|[.!?]\\s{1,3})(?:mijn|my|onze|ons|our)\\s+${ADJ}(${RELATIONS})\\b`, 'gimu'), kind: 'subject' },
];

/** 'mijn vader', 'our daughter': the text mentions someone close to the writer. */
// Not 'mijn vrouw en ik' / 'my husband and I': the writer asks for both, themselves included.
export const MENTIONS_RELATIVE = new RegExp(`\\b(?:mijn|m'n|my|onze|ons|our)\\s+${ADJ}(?:${RELATIONS})\\b(?!\\s+(?:en|and)\\s+(?:ik|i)\\b)`, 'iu');

/** A title before the name of the person written about. */
const TITLE = /^(?:de heer|mevrouw|mevr\.?|dhr\.?|mw\.?|meneer|mr\.?|mrs\.?|ms\.?|miss)\s+/iu;
/** A name as written in running text: capitalised words and initials with particles in between, nothing else. */
const NAME_IN_TEXT = /^(?:(?:\p{Lu}\.){1,4}|\p{Lu}[\p{L}'\-]*)(?:\s(?:(?:van|de|der|den|ten|ter|el|al|von|'t)\s)*(?:(?:\p{Lu}\.){1,4}|\p{Lu}[\p{L}'\-]*))*/u;

export interface RepresentativeHit {
  /** Which phrasing matched: 'namens', 'role', 'voor' or 'subject'. */
  kind: string;
  relation: string;
  subjectName: string | null;
  start: number;
}

/** A name right at the start of `s`, after an optional comma and title; null when none. */
function nameAt(s: string): string | null {
  let rest = s.replace(/^[ ,:]{0,4}/, '');
  for (let i = 0; i < 2 && TITLE.test(rest); i++) rest = rest.replace(TITLE, '');
  const m = NAME_IN_TEXT.exec(rest);
  if (!m) return null;
  // 'Mr Peter Jones I ask …': a capitalised word of the sentence after the name is not part of it.
  const tokens = m[0].split(' ');
  for (let n = tokens.length; n >= Math.max(1, tokens.length - 2); n--) {
    const name = cleanName(tokens.slice(0, n).join(' '));
    if (name) return name;
  }
  return null;
}

/** The person the message is about, when the writer writes for someone else. */
export function findRepresentative(text: string): RepresentativeHit | null {
  const hits: RepresentativeHit[] = [];
  for (const { re, kind } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const said = fold(m[1] ?? m[0]).trim().replace(/^(?:als|as)\s+/, '');
      // The relation as the person written about stands to the writer: 'ik ben de dochter van X' makes X a parent.
      const relation = kind === 'named' ? 'other' : kind === 'writer-of' ? (WRITER_IS_CHILD.test(said) ? 'ouder' : said) : said;
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 120);
      let subjectName: string | null = null;
      if (kind === 'subject') {
        // 'Mijn vrouw en ik willen …', 'My husband and I': the writer asks for both, themselves included.
        if (/^\s(?:en|and)\s(?:ik|i)\b/iu.test(after)) continue;
        // Only with a name in brackets, a name followed by an age, or an age: 'Mijn kleinzoon zegt' is not about him.
        const paren = /^\s?\((\p{Lu}[^,)]{1,60})[,)]/u.exec(after);
        // 'Daan (14)', 'Daan Visser (14 jaar)', 'Jelle Hoekstra (geboren 11-09-2010, BSN …)'
        const named = /^\s?(\p{Lu}[\p{L}'\- ]{0,60}?)\s?\((?:\d{1,3}(?:\s?(?:jaar|jr\.?|years?(?: old)?))?\)|(?:geboren|geb\.|born)\b)/u.exec(after);
        const age = /^\s?(?:\(\d{1,3}\)|is \d{1,3}\b|\(\d{1,3} (?:jaar|years)\))/u.exec(after);
        const apposition = /^,\s(?:(?:mr|mrs|ms|dhr|mevr|mw)\.?\s|(?:mevrouw|meneer|de heer)\s)?(\p{Lu}[\p{L}'.\- ]{1,60}?)(?:\s\(\d{1,3}\))?,/u.exec(after);
        // 'My son Noah is 16', 'Mijn dochter Lotte wordt 15'
        // 'Mijn dochter Noor van Dijk is 15 jaar': the name may carry particles.
        const namedAge = /^\s(\p{Lu}[\p{L}'\-]{1,30}(?: (?:(?:van|de|der|den|ten|ter|el|al|von|'t) ){0,3}\p{Lu}[\p{L}'\-]{1,30}){0,3})\s(?:is|wordt|turns)\s\d{1,2}\b/u.exec(after);
        if (paren?.[1]) subjectName = cleanName(paren[1]);
        else if (named?.[1]) subjectName = cleanName(named[1]);
        else if (apposition?.[1] && cleanName(apposition[1])) subjectName = cleanName(apposition[1]);
        else if (namedAge?.[1] && cleanName(namedAge[1])) subjectName = cleanName(namedAge[1]);
        else if (!age && !namedLater(text, m.index) && !ABOUT_THEM.test(text.slice(m.index, m.index + ABOUT_WINDOW))) continue;
      } else {
        subjectName = nameAt(after);
      }
      // A named person with a title, or the writer's relation to someone: only with the name given.
      if ((kind === 'named' || kind === 'writer-of') && subjectName === null) continue;
      hits.push({ kind, relation, subjectName, start: m.index });
    }
  }
  if (hits.length === 0) return null;
  hits.sort((a, b) => a.start - b.start);
  const best = hits.find((h) => h.subjectName !== null) ?? hits[0] ?? null;
  // The person written about, named elsewhere: 'Haar naam is …', 'Naam kind: …', 'het BSN van mijn dochter Lotte Smit'.
  if (best && best.subjectName === null) best.subjectName = formName(text, best.relation) ?? namedLater(text, best.start) ?? namedRelative(text, best.relation);
  return best;
}

/** How far after the mention of a relative the text is read for what it says about them. */
const ABOUT_WINDOW = 600;
/** The relative's own things: the question is about them ('haar DigiD', 'zijn account', 'her letters'). */
const ABOUT_THEM = /\b(?:haar|zijn|her|his)\s+(?:eigen\s+|own\s+)?(?:digid|account|inlog\p{L}*|wachtwoord|password|berichtenbox|machtiging|activeringscode|activation code|brieven|letters|post|mijnoverheid|sms-code|app|bsn)\b/iu;
/** 'Haar naam is X', 'Hij heet X', 'Her name is X'. */
const NAME_IS = /\b(?:(?:haar|zijn|her|his)\s+(?:volledige\s+|full\s+)?(?:naam|name)\s+is|(?:hij|zij|ze)\s+heet|(?:he|she)\s+is\s+called)[ :]{1,3}/giu;

/** A name the text gives the relative after the mention at `from` ('Haar naam is Gerda Mulder'). */
function namedLater(text: string, from: number): string | null {
  const window = text.slice(from, from + ABOUT_WINDOW);
  for (const m of window.matchAll(NAME_IS)) {
    const name = nameAt(window.slice(m.index + m[0].length, m.index + m[0].length + 120));
    if (name) return name;
  }
  return null;
}

/** A form line that names the relative: 'Naam kind: Daan Verhoeven', 'Naam van mijn moeder: …', 'Name of child: …'. */
function formName(text: string, relation: string): string | null {
  const re = new RegExp(`^[ \\t]*(?:naam|name)[ \\t]*(?:van[ \\t]+(?:het[ \\t]+|de[ \\t]+|mijn[ \\t]+)?|of[ \\t]+(?:the[ \\t]+|my[ \\t]+)?|\\([ \\t]*)?(kind|child|${RELATIONS})\\)?[ \\t]*:[ \\t]*([^\\n]{2,80})$`, 'gimu');
  for (const m of text.matchAll(re)) {
    const who = fold(m[1] ?? '');
    // 'Naam kind' for a son or daughter; otherwise the relation itself.
    if (who !== fold(relation) && !(/^(?:kind|child)$/.test(who) && CHILDREN.test(fold(relation)))) continue;
    const name = cleanName(m[2] ?? '');
    if (name) return name;
  }
  return null;
}

/** Relations that are the writer's child: a form's 'kind' / 'child' names them. */
const CHILDREN = /^(?:zoon|dochter|kind|son|daughter|child|pupil)$/;

/** The same relative named where the text mentions them again ('het BSN van mijn dochter Lotte Smit is …'). */
function namedRelative(text: string, relation: string): string | null {
  const re = new RegExp(`\\b(?:mijn|my|onze|our)\\s+${ADJ}(${RELATIONS})\\s(?=\\p{Lu})`, 'giu');
  for (const m of text.matchAll(re)) {
    if (fold(m[1] ?? '') !== fold(relation)) continue;
    const name = nameAt(text.slice(m.index + m[0].length, m.index + m[0].length + 120));
    if (name) return name;
  }
  return null;
}

/** Third-person words that tie a phone number or e-mail address to the person written about. */
/** 'zijn directe nummer', 'haar mobiele nummer', 'his number': a number that is another person's. */
export const THIRD_PERSON_NUMBER = /\b(?:zijn|haar|his|her)\s+(?:eigen\s+|own\s+|directe?\s+|direct\s+|mobiele\s+|mobile\s+){0,2}(?:telefoonnummer|nummer|number|mobiel|mobile|phone(?: number)?)[^\p{L}\p{N}\n]{0,4}(?:(?:is|was|staat hieronder|staat onder|is below|below)\b[^\p{L}\p{N}\n]{0,4})?$/iu;

export const THIRD_PERSON_CONTACT = new RegExp(
  '(?:\\b(?:zijn|haar|hun|his|her|their)\\s+(?:eigen\\s+|own\\s+)?(?:nieuwe\\s+|new\\s+|huidige\\s+|current\\s+|vaste\\s+|privé\\s+|prive\\s+|private\\s+)?(?:e-?mail(?:adres)?|mailadres|telefoonnummer|telefoon|nummer|mobiele nummer|mobiel|email(?: address)?|e-mail address|phone(?: number)?|number|mobile)\\b[^\\n]{0,20}' +
    // 'Mijn man is thuis bereikbaar op', 'she can be reached on': the person, not 'mijn kantoor'.
    `|\\b(?:hij|zij|he|she|(?:mijn|my)\\s+(?:${RELATIONS}))\\s+(?:is\\s+|can\\s+be\\s+)?(?:\\p{L}{2,12}\\s+)?(?:bereikbaar|te bereiken|reached|reachable)\\s+(?:op|on|at|via)\\s*:?\\s*)$`,
  'iu',
);

const FIRST_PERSON = new Set(['ik', 'ikzelf', 'wijzelf', 'mij', 'me', 'mijn', "m'n", 'mn', 'mezelf', 'mijzelf', 'wij', 'we', 'ons', 'onze', 'i', 'my', 'mine', 'myself', 'our', 'us']);
const THIRD_PERSON = new Set(['hij', 'zij', 'ze', 'hem', 'haar', 'zijn', 'hun', 'hemzelf', 'haarzelf', 'he', 'she', 'him', 'her', 'his', 'himself', 'herself', 'their', 'them']);
/** Words before 'zijn' that make it the verb ('wij zijn bereikbaar'), not 'his'. */
const ZIJN_AS_VERB = new Set(['wij', 'we', 'ze', 'zij', 'jullie', 'u', 'er', 'die', 'dat', 'kunnen', 'willen', 'zullen', 'moeten', 'te', 'ben', 'is']);
const RELATION_WORD = new RegExp(`^(?:${RELATIONS})$`, 'u');
const ADJ_WORD = new RegExp(`^${ADJ.replace('\\s+', '')}$`, 'u');
const NAME_PARTICLE = /^(?:van|de|der|den|ten|ter|te|el|al|von|'t|du|da|le|la)$/u;
/** Abbreviations whose full stop does not end a sentence ('dhr. Smits', 'H. Smits', 'tel. 050 …'). */
const NOT_SENTENCE_END = /(?:^|[^\p{L}])(?:\p{L}|dhr|mevr|mw|mr|mrs|ms|dr|drs|ir|ing|prof|tel|nr|no|st|ca|bijv|evt)[.]\s+$/iu;
/** How far before a phone number or e-mail address the text is read for whom it belongs to. */
export const CONTACT_OWNER_WINDOW = 200;

/**
 * Whether the person the text last refers to before a phone number or e-mail address (in its
 * sentence and paragraph) is the one written about: 'haar vaste nummer is …', 'Wilt u hem
 * antwoorden op …', 'You can reach Daniel himself at …', 'Mijn moeder heeft een eigen
 * e-mailadres: …', a details block under 'Gegevens van mijn moeder:' that starts with her name.
 * 'U kunt mij bellen op …', 'mijn nummer …' and a number nobody is named near are the writer's
 * (or nobody's): in a representative's message those are never the citizen's.
 * `subjectName` and `writerName` as read; words the two names share (a family name) say nothing.
 */
export function nearestPersonIsSubject(before: string, subjectName: string | null, writerName: string | null): boolean {
  return nearestPerson(before, subjectName, writerName) === 'subject';
}

/** Singular first-person words: the writer alone ('ik', 'mijn'), not 'wij' (a household the person written about may belong to). */
const WRITER_ALONE = new Set(['ik', 'ikzelf', 'mij', 'me', 'mijn', "m'n", 'mn', 'mezelf', 'mijzelf', 'i', 'my', 'mine', 'myself']);

/**
 * Whom the text last refers to before an offset: the person written about ('subject'), the
 * writer alone ('writer': 'ik', 'mijn', 'my'), the writer's household ('we': 'wij', 'ons'),
 * or nobody (null). See nearestPersonIsSubject.
 */
export function nearestPerson(before: string, subjectName: string | null, writerName: string | null): 'subject' | 'writer' | 'we' | null {
  let s = before.slice(-CONTACT_OWNER_WINDOW);
  const para = s.lastIndexOf('\n\n');
  if (para >= 0) s = s.slice(para + 2);
  // Cut at the last sentence end that is not an abbreviation's full stop (also ';').
  for (const m of s.matchAll(/[.!?;]\s+(?=\p{L})/gu)) {
    if (m[0].startsWith('.') && NOT_SENTENCE_END.test(s.slice(Math.max(0, m.index - 6), m.index + m[0].length))) continue;
    if (m[0].startsWith('.') && !/^\p{Lu}/u.test(s.slice(m.index + m[0].length))) continue;
    s = s.slice(m.index + m[0].length);
    return nearestPerson(s, subjectName, writerName);
  }
  const writerWords = new Set(fold(writerName ?? '').split(/\s+/));
  const subjectWords = new Set(
    fold(subjectName ?? '')
      .split(/\s+/)
      .filter((w) => w.length >= 2 && !w.endsWith('.') && !NAME_PARTICLE.test(w) && !writerWords.has(w)),
  );
  const words = [...s.matchAll(/[\p{L}']+/gu)].map((m) => m[0]);
  for (let i = words.length - 1; i >= 0; i--) {
    const raw = words[i] ?? '';
    const w = fold(raw);
    if (/^\p{Lu}/u.test(raw) && subjectWords.has(w)) return 'subject';
    if (RELATION_WORD.test(w)) {
      const prev = fold(words[i - 1] ?? '');
      const prev2 = fold(words[i - 2] ?? '');
      if (/^(?:mijn|m'n|my|onze|our)$/.test(prev) || (ADJ_WORD.test(prev) && /^(?:mijn|m'n|my|onze|our)$/.test(prev2))) return 'subject';
    }
    if (w === 'zijn' && ZIJN_AS_VERB.has(fold(words[i - 1] ?? ''))) continue;
    if (THIRD_PERSON.has(w)) return 'subject';
    if (WRITER_ALONE.has(w)) return 'writer';
    if (FIRST_PERSON.has(w)) return 'we';
  }
  return null;
}
