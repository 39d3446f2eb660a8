/**
 * A citizen's HTML body, made safe to keep and to show (issue #16).
 *
 * An allow-list (sanitize-html), not a block-list: everything not named here is dropped —
 * script, style and link elements, event handlers, forms, iframes, object/embed, svg,
 * math, base, meta, template. The CVE histories of helpdesks (OTRS, Zammad, FreeScout,
 * Roundcube's SVG `animate` and CSS leak) are each a vector a block-list missed.
 *
 * - URLs: links keep http, https, mailto and tel; images keep only `cid:` (an inline part of
 *   the same message, served from our own route). Every remote image, and every `url()` in
 *   an inline style (backgrounds, fonts), is removed and counted, so the sender never learns
 *   that or when the KCC read the mail (FreeScout #5604), and the agent sees how many.
 * - Inline style attributes survive only property by property from a short list, with
 *   values that cannot hold `url(`, `expression(`, escapes, quotes or `!important`
 *   (Roundcube CVE-2024-42010 leaked through CSS), and never the properties that can hide
 *   or move our own marking of a link's destination (display, position, opacity, …).
 * - Text nodes and attribute values are redacted by processors/extract's one redaction
 *   (BSN, IBAN), as the plain text is. A number split over markup ("123<b>456</b>782")
 *   escapes a per-node redaction, so the result's whole text is checked again: if it would
 *   still change, the HTML is not kept and the agent reads the plain text.
 *
 * Linear in the input (htmlparser2); the parser's limits (1 MB of markup, 512 levels)
 * are applied before this runs (processors/parse).
 */
import sanitizeHtml from 'sanitize-html';
import { redactStoredText } from '../extract/index.ts';

export interface SanitisedHtml {
  /** The safe HTML; null when none is kept (see `dropped`). */
  html: string | null;
  /** Remote resources removed: images (`<img src=http…>`), style `url()`s (backgrounds, fonts). */
  blocked: { images: number; styles: number };
  /** The Content-IDs the HTML refers to (`cid:`), lower-cased. */
  cids: string[];
  /** Why no HTML is kept although there was some. */
  dropped: 'identifier-split-across-markup' | 'empty' | null;
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'dfn', 'div',
  'dl', 'dt', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q',
  's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul',
];

const CELL = ['align', 'valign', 'width', 'height', 'colspan', 'rowspan', 'bgcolor'];
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': ['style', 'align', 'dir', 'lang', 'title'],
  a: ['href'],
  img: ['src', 'alt', 'width', 'height'],
  font: ['color', 'size', 'face'],
  table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
  td: CELL, th: CELL, tr: ['align', 'valign', 'bgcolor'], col: ['width', 'span'], colgroup: ['width', 'span'],
  ol: ['start', 'type'], li: ['value'],
};

// A style value of plain words, numbers, units, hex colours and commas, or rgb()/rgba():
// no other function (url, expression, image-set, var), no backslash escapes, no quotes.
const VALUE = /^(?:[-#%.,\w\s]{1,200}|rgba?\(\s*[\d.]+%?\s*,\s*[\d.]+%?\s*,\s*[\d.]+%?\s*(?:,\s*[\d.]+\s*)?\))$/;
const STYLE_PROPERTIES = [
  'color', 'background-color', 'font-weight', 'font-style', 'font-size', 'font-family', 'font-variant', 'text-align', 'text-decoration',
  'text-indent', 'text-transform', 'letter-spacing', 'line-height', 'vertical-align', 'white-space', 'word-break', 'word-wrap',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width', 'border-collapse', 'border-spacing',
  'width', 'max-width', 'min-width', 'height', 'max-height', 'min-height', 'list-style-type', 'table-layout',
];
const ALLOWED_STYLES = { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [VALUE]])) };

/** Remote-looking references in a style attribute: url(…), image-set(…), @import. */
const STYLE_URL = /url\s*\(|image-set\s*\(|@import/gi;

/** sanitize-html's options for keeping (intake) and for showing (render): one allow-list. */
function options(counts: SanitisedHtml['blocked'], cids: Set<string>, mapCid: ((cid: string) => string | null) | null): sanitizeHtml.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: ALLOWED_STYLES,
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    // Dropped with their content, not unwrapped: their text is code, not the citizen's words.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'svg', 'math', 'template', 'xmp', 'iframe', 'noembed', 'noframes', 'object', 'head'],
    disallowedTagsMode: 'discard',
    enforceHtmlBoundary: false,
    parseStyleAttributes: true,
    textFilter: (text) => redactStoredText(text),
    transformTags: {
      '*': (tagName, attribs) => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(attribs)) {
          if (k === 'style') {
            const n = v.match(STYLE_URL)?.length ?? 0;
            if (n > 0) { counts.styles += n; continue; }
            // sanitize-html keeps a declaration's !important beside its checked value; ours
            // (the link destination's marking) must win over the citizen's.
            out[k] = redactStoredText(v.replace(/!\s*important/gi, ''));
            continue;
          }
          out[k] = k === 'href' || k === 'src' ? v : redactStoredText(v);
        }
        if (tagName === 'img') {
          const src = (out.src ?? '').trim();
          if (/^cid:/i.test(src)) {
            const cid = src.slice(4).replace(/^<|>$/g, '').toLowerCase();
            cids.add(cid);
            if (mapCid) {
              const url = mapCid(cid);
              if (url) out.src = url; else delete out.src;
            } else out.src = `cid:${cid}`;
          } else {
            if (src !== '') counts.images += 1;
            delete out.src;
          }
        }
        // Only absolute links with a safe scheme: a relative one would point into our own app.
        if (tagName === 'a' && out.href !== undefined && !/^(?:https?:\/\/|mailto:|tel:)/i.test(out.href.trim())) delete out.href;
        if (tagName === 'a' && out.href !== undefined) {
          out.target = '_blank';
          out.rel = 'noopener noreferrer';
        }
        return { tagName, attribs: out };
      },
    },
    // An <img> left without a source shows nothing: drop it rather than keep an empty box.
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  };
}

/** Allowed at render only: the attribute our link rewriting adds. */
const RENDER_EXTRA_ATTRIBUTES = { ...ALLOWED_ATTRIBUTES, a: ['href', 'target', 'rel'], img: ['src', 'alt', 'width', 'height'] };

/** At intake: the HTML to keep (with `cid:` references as they are), redacted. */
export function sanitiseForKeeping(html: string): SanitisedHtml {
  const blocked = { images: 0, styles: 0 };
  const cids = new Set<string>();
  const opts = options(blocked, cids, null);
  const out = sanitizeHtml(html, opts).trim();
  const text = sanitizeHtml(out, { allowedTags: [], allowedAttributes: {} });
  if (text.trim() === '' && cids.size === 0) return { html: null, blocked, cids: [], dropped: 'empty' };
  // Decoded text of the result, as a reader sees it: a BSN or IBAN still in it was split
  // over markup. Compared with the same redaction, so "exactly as the plain text" holds.
  const decoded = decodeEntities(text);
  if (redactStoredText(decoded) !== decoded || redactStoredText(decoded.replace(/\s+/g, '')) !== decoded.replace(/\s+/g, '')) {
    return { html: null, blocked, cids: [...cids], dropped: 'identifier-split-across-markup' };
  }
  return { html: out, blocked, cids: [...cids], dropped: null };
}

/**
 * At render: the kept HTML through the same allow-list again (defence in depth: an older
 * allow-list's output is re-checked by today's), `cid:` mapped to our own attachment route
 * (or removed), links opened in a new tab without opener or referrer.
 */
export function sanitiseForShowing(kept: string, mapCid: (cid: string) => string | null): { html: string; blocked: SanitisedHtml['blocked'] } {
  const blocked = { images: 0, styles: 0 };
  const opts = options(blocked, new Set(), mapCid);
  const html = sanitizeHtml(kept, {
    ...opts,
    allowedAttributes: RENDER_EXTRA_ATTRIBUTES,
    allowedSchemesByTag: { img: ['cid'] },
    // Our own route is a relative path: allowed for img only after mapping (no scheme).
  });
  return { html, blocked };
}

function decodeEntities(s: string): string {
  return s.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi, (m, dec: string | undefined, hex: string | undefined, named: string | undefined) => {
    if (dec) return String.fromCodePoint(Math.min(Number(dec), 0x10ffff));
    if (hex) return String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[named!.toLowerCase()] ?? m;
  });
}
