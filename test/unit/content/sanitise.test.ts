/**
 * The one allow-list (processors/content/sanitise.ts) over the hostile vectors, at intake and
 * again at render, and the presentation rules for attachments. The browser-level proof is
 * test/integration/content/hostile.test.ts; this is the fast, string-level one.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { sanitiseForKeeping, sanitiseForShowing } from '../../../processors/content/sanitise.ts';
import { presentationOf } from '../../../processors/content/render.ts';
import { Parser } from 'htmlparser2';

const ELEMENTS = new Set(['script', 'style', 'svg', 'math', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'base', 'meta', 'link', 'template', 'textarea', 'select', 'option', 'listing', 'noscript', 'video', 'audio', 'source', 'details', 'marquee', 'body', 'html', 'head']);

/** What a browser would make of it: element and attribute names, URL and style values. */
function problems(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      if (ELEMENTS.has(name)) out.push(`element ${name}`);
      for (const [k, v] of Object.entries(attrs)) {
        if (/^on/i.test(k)) out.push(`handler ${k}`);
        if ((k === 'href' || k === 'src') && !/^(?:https?:\/\/|mailto:|tel:|cid:)/i.test(v.trim())) out.push(`url ${k}=${v.slice(0, 30)}`);
        if (k === 'src' && !/^cid:/i.test(v)) out.push(`remote src ${v.slice(0, 30)}`);
        if (k === 'style' && /url\(|expression\(|@import|\\/i.test(v)) out.push(`style ${v.slice(0, 30)}`);
        if (!['href', 'src', 'style', 'title', 'alt', 'width', 'height', 'align', 'target', 'rel', 'dir', 'lang', 'color', 'size', 'face', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'valign', 'colspan', 'rowspan', 'span', 'start', 'type', 'value'].includes(k)) out.push(`attribute ${k}`);
      }
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out;
}

const VECTORS = (JSON.parse(readFileSync(new URL('../../fixtures/hostile/vectors.json', import.meta.url), 'utf8')) as { vectors: Array<{ source: string; vector: string }> }).vectors;

describe('content sanitiser over the hostile vectors', () => {
  for (const { source, vector } of VECTORS) {
    it(`${source}: ${vector.slice(0, 60).replace(/\s+/g, ' ')}`, () => {
      const v = vector.replaceAll('%JS%', 'alert(1)');
      const kept = sanitiseForKeeping(`<p>tekst</p>${v}`);
      const shown = kept.html ? sanitiseForShowing(kept.html, () => null).html : '';
      for (const out of [kept.html ?? '', shown]) expect(problems(out), out).to.deep.equal([]);
      // Nothing remote, as a string either (a host name may survive only as visible text).
      expect(shown).to.not.match(/(?:src|href)="[^"]*(?:xss\.rocks|tracker\.example|leak\.example)/);
      // Links that survive open in a new tab without opener or referrer.
      for (const a of shown.match(/<a [^>]*href=[^>]*>/g) ?? []) expect(a).to.include('rel="noopener noreferrer"').and.include('target="_blank"');
    });
  }

  it('control: the check sees handlers, script elements, javascript: and remote sources', () => {
    expect(problems('<img src=x onerror=a><script></script><a href="javascript:x">y</a><img src="http://x/y">')).to.have.length.at.least(4);
  });

  it('redacts BSN and IBAN in text and attributes, and drops HTML whose BSN is split over markup', () => {
    const k = sanitiseForKeeping('<p title="BSN 111222333">BSN 111222333, NL91ABNA0417164300</p>');
    expect(k.html).to.equal('<p title="BSN [BSN]">BSN [BSN], [IBAN]</p>');
    expect(sanitiseForKeeping('<p>111<b>222</b>333</p>')).to.include({ html: null, dropped: 'identifier-split-across-markup' });
  });

  it('shows images inline, PDFs as pages, and never SVG, HTML, office or executables', () => {
    expect(presentationOf('image/png', 'scherm.png')).to.equal('image');
    expect(presentationOf('application/pdf', 'brief.pdf')).to.equal('pdf');
    expect(presentationOf('image/svg+xml', 'logo.svg')).to.equal('risky');
    expect(presentationOf('image/png', 'factuur.png.exe')).to.equal('risky');
    expect(presentationOf('text/html', 'x.html')).to.equal('risky');
    expect(presentationOf('application/vnd.ms-excel.sheet.macroEnabled.12', 'lijst.xlsm')).to.equal('risky');
    expect(presentationOf('text/plain', 'notitie.txt')).to.equal('download');
  });
});
