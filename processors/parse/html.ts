/**
 * HTML body to plain text, bounded in time on hostile markup.
 *
 * html-to-text (htmlparser2 underneath) is quadratic in element nesting depth: 20,000
 * nested <div>s took 275 ms here, and the cost grows with the square, so 100,000 would take
 * seconds. A linear pre-pass measures the depth first; past the limit, or past a size at
 * which conversion gets slow, the markup is reduced to text by a linear tag stripper
 * instead. The whole input is stripped, never a prefix of it: cutting the markup first
 * lost every word of a 5 MB body of 450,000 nested <div>s, whose question came after the
 * opening tags (issue 12). The text is cut to its own limit afterwards (parse.ts).
 */
import { htmlToText } from 'html-to-text';

// Chrome's HTML parser flattens anything nested deeper than 512 elements, so deeper markup
// cannot be rendered as written anyway. Well below the ~2,000 levels at which
// html-to-text's recursive walk would overflow the call stack.
const MAX_HTML_DEPTH = 512;
// Markup is typically 3–10 times the text it carries; beyond this many characters per
// allowed text character the HTML is not given to html-to-text (its cost grows faster than
// the input) but stripped in one linear pass.
const HTML_CHARS_PER_TEXT_CHAR = 10;

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
// Closed implicitly by a sibling (li after li, td after td), so runs of them do not nest.
const IMPLIED_END_ELEMENTS = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rt', 'rp']);

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

const CONVERT_OPTIONS = {
  // A line per paragraph, never wrapped: quote detection reads whole lines.
  wordwrap: false as const,
  selectors: [
    // The citizen's words, not tracking URLs behind them.
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'td', format: 'block' },
    { selector: 'th', format: 'block' },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    ...HEADINGS,
  ],
  limits: { maxDepth: MAX_HTML_DEPTH + 1 },
};

/** Why an HTML body was not rendered as written but reduced to its bare text. */
export type HtmlFallback = 'html-too-large' | 'html-too-deep' | 'html-conversion-failed' | 'html-rendered-empty';

export interface HtmlText {
  text: string;
  warnings: string[];
  /** Set when the text comes from the linear tag stripper instead of html-to-text. */
  fallback: HtmlFallback | null;
}

export function htmlToPlain(html: string, maxTextChars: number): HtmlText {
  const maxHtml = maxTextChars * HTML_CHARS_PER_TEXT_CHAR;
  const stripped = (fallback: HtmlFallback): HtmlText => ({ text: stripTags(html), warnings: [fallback], fallback });
  // Depth first: it is the more telling reason, and the scan is linear at any size.
  if (exceedsDepth(html, MAX_HTML_DEPTH)) return stripped('html-too-deep');
  if (html.length > maxHtml) return stripped('html-too-large');
  let text: string;
  try {
    text = htmlToText(html, CONVERT_OPTIONS);
  } catch {
    return stripped('html-conversion-failed');
  }
  // html-to-text drops what it cannot place (content past its depth limit, odd markup):
  // a message that had words must never become a case without them.
  if (text.trim() === '') {
    const bare = stripTags(html);
    if (bare.trim() !== '') return { text: bare, warnings: ['html-rendered-empty'], fallback: 'html-rendered-empty' };
  }
  return { text, warnings: [], fallback: null };
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x3a || c === 0x5f;
}

/**
 * One pass, following what an HTML parser builds closely enough for a limit: a start tag
 * opens an element, an end tag closes down to the nearest open element of that name.
 */
export function exceedsDepth(html: string, maxDepth: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>();
  let i = html.indexOf('<');
  while (i !== -1) {
    let pos = i + 1;
    if (html.startsWith('!--', pos)) {
      const end = html.indexOf('-->', pos + 3);
      if (end === -1) return false;
      i = html.indexOf('<', end + 3);
      continue;
    }
    const closing = html.charCodeAt(pos) === 0x2f;
    if (closing) pos++;
    const nameStart = pos;
    while (pos < html.length && isNameChar(html.charCodeAt(pos))) pos++;
    if (pos === nameStart) {
      i = html.indexOf('<', pos);
      continue;
    }
    const end = html.indexOf('>', pos);
    if (end === -1) return false;
    const name = html.slice(nameStart, pos).toLowerCase();
    if (!VOID_ELEMENTS.has(name) && !IMPLIED_END_ELEMENTS.has(name)) {
      if (!closing) {
        stack.push(name);
        open.set(name, (open.get(name) ?? 0) + 1);
        if (stack.length > maxDepth) return true;
      } else if (open.get(name)) {
        let popped: string | undefined;
        do {
          popped = stack.pop() as string;
          open.set(popped, (open.get(popped) ?? 1) - 1);
        } while (popped !== name);
      }
    }
    i = html.indexOf('<', end + 1);
  }
  return false;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const BLOCK_TAG = /^\/?(?:p|div|br|li|tr|h[1-6]|table|blockquote|hr)\b/i;

/** Linear fallback: drop tags, keep text, turn block tags into (single) line breaks. */
export function stripTags(html: string): string {
  // Chunks in an array: checking the end of a growing string would flatten it every time.
  const chunks: string[] = [];
  let endsWithBreak = false;
  const emit = (s: string): void => {
    if (s === '') return;
    chunks.push(s);
    endsWithBreak = s.endsWith('\n');
  };
  let pos = 0;
  for (;;) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) {
      emit(html.slice(pos));
      break;
    }
    emit(html.slice(pos, lt));
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) break; // an unterminated tag: the rest is markup
    if (!endsWithBreak && BLOCK_TAG.test(html.slice(lt + 1, Math.min(gt, lt + 12)))) emit('\n');
    pos = gt + 1;
  }
  const out = chunks.join('');
  return out.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ent.toLowerCase()] ?? whole;
  });
}
