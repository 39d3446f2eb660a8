/**
 * Someone writing for another person: 'ik schrijf namens mijn moeder', 'voor mijn zoon',
 * 'on behalf of my father', 'als bewindvoerder van', 'mijn vader (Jan Zwart) heeft...'.
 * Finds the relation and, when given, the name of the person the question is about.
 */
import { fold } from './text.ts';
import { cleanName } from './name.ts';

/** People one writes for. Compared case-insensitively; 'cliënt(e)' also without diaeresis. */
const RELATIONS =
  'moeder|vader|zoon|dochter|broer|zus|zuster|oma|opa|grootmoeder|grootvader|schoonmoeder|schoonvader|man|vrouw|echtgenoot|echtgenote|partner|kind|tante|oom|cli[eë]nte?|pupil|buurman|buurvrouw|mother|father|son|daughter|brother|sister|grandmother|grandfather|grandma|grandpa|husband|wife|child|aunt|uncle|client|mum|mom|dad|mother-in-law|father-in-law';
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
  { re: new RegExp(`\\b(?:schrijf|schrijven|mail|e-?mail|mailen|write|writing|contact)\\s+(?:(?:u|jullie|you|dit|deze|this)\\s+(?:(?:bericht|mail|brief|message|letter)\\s+)?)?(?:voor|for)\\s+(?:mijn|my)\\s+${ADJ}(${RELATIONS})\\b`, 'giu'), kind: 'voor' },
  // Sentence start: 'Mijn vader (Jan Zwart) heeft', 'Mijn zoon Daan (19)', 'Mijn moeder is 79', 'My father, Klaus Hoffmann, lives'
  { re: new RegExp(`(?:^|[.!?]\\s{1,3})(?:mijn|my|onze|ons|our)\\s+${ADJ}(${RELATIONS})\\b`, 'gimu'), kind: 'subject' },
];

/** 'mijn vader', 'our daughter': the text mentions someone close to the writer. */
export const MENTIONS_RELATIVE = new RegExp(`\\b(?:mijn|m'n|my|onze|ons|our)\\s+${ADJ}(?:${RELATIONS})\\b`, 'iu');

/** A title before the name of the person written about. */
const TITLE = /^(?:de heer|mevrouw|mevr\.|dhr\.|mw\.|meneer|mr\.|mrs\.|ms\.|miss)\s+/iu;
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
  return cleanName(m[0]);
}

/** The person the message is about, when the writer writes for someone else. */
export function findRepresentative(text: string): RepresentativeHit | null {
  const hits: RepresentativeHit[] = [];
  for (const { re, kind } of PATTERNS) {
    for (const m of text.matchAll(re)) {
      const relation = fold(m[1] ?? m[0]).trim().replace(/^(?:als|as)\s+/, '');
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
        const namedAge = /^\s(\p{Lu}[\p{L}'\-]{1,30}(?: \p{Lu}[\p{L}'\-]{1,30})?)\s(?:is|wordt|turns)\s\d{1,2}\b/u.exec(after);
        if (paren?.[1]) subjectName = cleanName(paren[1]);
        else if (named?.[1]) subjectName = cleanName(named[1]);
        else if (apposition?.[1] && cleanName(apposition[1])) subjectName = cleanName(apposition[1]);
        else if (namedAge?.[1] && cleanName(namedAge[1])) subjectName = cleanName(namedAge[1]);
        else if (!age && !namedLater(text, m.index) && !ABOUT_THEM.test(text.slice(m.index, m.index + ABOUT_WINDOW))) continue;
      } else {
        subjectName = nameAt(after);
      }
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
