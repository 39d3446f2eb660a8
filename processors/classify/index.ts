/**
 * Topic routing for intake messages: transparent weighted keyword rules (rules.ts).
 *
 * This only decides which queue a case goes to. It decides nothing about the person
 * (register M1533: no automated decision-making); every outcome comes with the rules that
 * produced it, so a human can see why and re-route.
 */
import { InputError } from '../../lib/errors.ts';
import { RULES, STOPWORDS, TOPICS } from './rules.ts';
import type { Topic } from './rules.ts';

export { TOPICS };
export type { Topic };

export interface ClassifyInput {
  subject: string;
  text: string;
}

export interface Classification {
  topic: Topic;
  language: 'nl' | 'en';
  /** 0..1: how clearly the best topic beat the runner-up (see `confidence` below). */
  confidence: number;
  /** Matched rules, e.g. 'kw:activeringscode' (body) or 'subject:activeringscode'. */
  reasons: string[];
}

/** Longest text read: a routing decision never needs more than the first pages. */
const MAX_TEXT_CHARS = 32 * 1024;
const MAX_SUBJECT_CHARS = 1000;
/** A subject line states the question in a few words; it weighs double. */
const SUBJECT_WEIGHT = 2;
/** Below this score no topic has enough evidence and the message is routed to 'overig'. */
const MIN_SCORE = 2;

/** Lower case without diacritics, so 'cliënt' and 'client' match the same rule. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * Confidence from the margin between the best and second-best score, damped when the best
 * score itself is low: (best - second) / best * best / (best + 3). One strong product name
 * alone (5) gives 0.63; two agreeing strong rules in the subject and body give > 0.85.
 */
function confidence(best: number, second: number): number {
  if (best <= 0) return 0;
  const margin = (best - second) / best;
  const strength = best / (best + 3);
  return Math.round(margin * strength * 100) / 100;
}

function detectLanguage(folded: string): { language: 'nl' | 'en'; nl: number; en: number } {
  let nl = 0;
  let en = 0;
  for (const w of folded.match(/\p{L}+/gu) ?? []) {
    if (STOPWORDS.nl.has(w)) nl++;
    if (STOPWORDS.en.has(w)) en++;
  }
  // Ties go to Dutch: the centre's default language.
  return { language: en > nl ? 'en' : 'nl', nl, en };
}

export function classify(input: ClassifyInput): Classification {
  if (typeof input !== 'object' || input === null || typeof input.text !== 'string' || typeof input.subject !== 'string') {
    throw new InputError('CLASSIFY_INPUT_INVALID', 'classify needs an object with subject and text strings');
  }
  const subject = fold(input.subject.slice(0, MAX_SUBJECT_CHARS));
  const body = fold(input.text.slice(0, MAX_TEXT_CHARS));
  const reasons: string[] = [];
  const scores = new Map<Topic, number>();
  for (const topic of TOPICS) {
    let score = 0;
    for (const rule of RULES[topic]) {
      if (rule.pattern.test(subject)) {
        score += rule.weight * SUBJECT_WEIGHT;
        reasons.push(`subject:${rule.id}`);
      }
      if (rule.pattern.test(body)) {
        score += rule.weight;
        reasons.push(`kw:${rule.id}`);
      }
    }
    scores.set(topic, score);
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || TOPICS.indexOf(a[0]) - TOPICS.indexOf(b[0]));
  const [bestTopic, best] = ranked[0] ?? ['overig', 0];
  const second = ranked[1]?.[1] ?? 0;
  const lang = detectLanguage(`${subject} ${body}`);
  let topic: Topic = bestTopic;
  let conf = confidence(best, second);
  if (best < MIN_SCORE) {
    topic = 'overig';
    conf = 0;
    reasons.push('fallback:no-topic-evidence');
  }
  // Report only the rules of the chosen topic, so the reasons explain the decision.
  const own = new Set(RULES[topic].map((r) => r.id));
  const explained = reasons.filter((x) => x.startsWith('fallback:') || own.has(x.slice(x.indexOf(':') + 1)));
  explained.push(`lang:${lang.language}(nl=${lang.nl},en=${lang.en})`);
  return { topic, language: lang.language, confidence: conf, reasons: explained };
}
