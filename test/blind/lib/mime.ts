/**
 * A small MIME writer for the blind set's e-mails (build time only). Written here rather than
 * taken from the project's test helpers so the set's messages do not share their habits:
 * quoted-printable and base64 bodies, multipart/alternative, base64 attachments,
 * message/rfc822 parts, RFC 2047 encoded headers.
 */

export type Part =
  | { kind: 'text'; subtype: 'plain' | 'html'; text: string; encoding?: 'quoted-printable' | 'base64' | '8bit'; charset?: string }
  | { kind: 'multipart'; subtype: 'mixed' | 'alternative' | 'related'; parts: Part[] }
  | { kind: 'file'; contentType: string; filename: string; data: Buffer; inline?: boolean; contentId?: string }
  | { kind: 'rfc822'; raw: Buffer; filename?: string };

export interface Message {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  date: string;
  messageId: string;
  inReplyTo?: string;
  references?: string;
  headers?: Array<[string, string]>;
  body: Part;
}

let boundaryCounter = 0;
function boundary(): string {
  boundaryCounter += 1;
  return `----=_Part_${String(boundaryCounter).padStart(4, '0')}_${(boundaryCounter * 2654435761 >>> 0).toString(16)}`;
}

/** RFC 2047 B-encoding for a header value with non-ASCII characters (per display-name word run). */
export function encodeWord(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

/** "Name <addr>" with the name encoded when needed. */
export function addr(name: string | null, address: string): string {
  if (!name) return address;
  const n = /^[\x20-\x7e]*$/.test(name) ? (/[,.;:"()<>@]/.test(name) ? `"${name.replace(/"/g, '\\"')}"` : name) : encodeWord(name);
  return `${n} <${address}>`;
}

function qp(text: string): string {
  const bytes = Buffer.from(text.replace(/\r?\n/g, '\n'), 'utf8');
  const lines: string[] = [];
  let line = '';
  const push = (tok: string) => {
    if (line.length + tok.length > 75) {
      lines.push(line + '=');
      line = '';
    }
    line += tok;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      // trailing whitespace must be encoded
      if (line.endsWith(' ') || line.endsWith('\t')) {
        const last = line[line.length - 1]!;
        line = line.slice(0, -1) + (last === ' ' ? '=20' : '=09');
      }
      lines.push(line);
      line = '';
      continue;
    }
    if ((b >= 33 && b <= 126 && b !== 61) || b === 32 || b === 9) push(String.fromCharCode(b));
    else push(`=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  }
  lines.push(line);
  return lines.join('\r\n');
}

function b64(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? ['']).join('\r\n');
}

function renderPart(p: Part): string {
  switch (p.kind) {
    case 'text': {
      const enc = p.encoding ?? 'quoted-printable';
      const charset = p.charset ?? 'utf-8';
      const head = `Content-Type: text/${p.subtype}; charset="${charset}"\r\nContent-Transfer-Encoding: ${enc}\r\n`;
      const data = charset.toLowerCase() === 'utf-8' ? Buffer.from(p.text, 'utf8') : Buffer.from(p.text, 'latin1');
      const body = enc === 'base64' ? b64(data) : enc === 'quoted-printable' ? qp(p.text) : p.text.replace(/\r?\n/g, '\r\n');
      return `${head}\r\n${body}\r\n`;
    }
    case 'multipart': {
      const b = boundary();
      const inner = p.parts.map((x) => `--${b}\r\n${renderPart(x)}`).join('');
      return `Content-Type: multipart/${p.subtype}; boundary="${b}"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n${inner}--${b}--\r\n`;
    }
    case 'file': {
      const disp = p.inline ? 'inline' : 'attachment';
      const cid = p.contentId ? `Content-ID: <${p.contentId}>\r\n` : '';
      return `Content-Type: ${p.contentType}; name="${p.filename}"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: ${disp}; filename="${p.filename}"\r\n${cid}\r\n${b64(p.data)}\r\n`;
    }
    case 'rfc822': {
      const name = p.filename ? `; name="${p.filename}"` : '';
      const disp = p.filename ? `Content-Disposition: attachment; filename="${p.filename}"\r\n` : 'Content-Disposition: attachment\r\n';
      return `Content-Type: message/rfc822${name}\r\nContent-Transfer-Encoding: 8bit\r\n${disp}\r\n${p.raw.toString('utf8').replace(/\r?\n/g, '\r\n')}\r\n`;
    }
  }
}

export function renderMessage(m: Message): Buffer {
  const h: string[] = [];
  h.push(`From: ${m.from}`);
  h.push(`To: ${m.to}`);
  if (m.cc) h.push(`Cc: ${m.cc}`);
  h.push(`Subject: ${encodeWord(m.subject)}`);
  h.push(`Date: ${m.date}`);
  h.push(`Message-ID: <${m.messageId}>`);
  if (m.inReplyTo) h.push(`In-Reply-To: <${m.inReplyTo}>`);
  if (m.references) h.push(`References: ${m.references}`);
  for (const [k, v] of m.headers ?? []) h.push(`${k}: ${v}`);
  h.push('MIME-Version: 1.0');
  return Buffer.from(`${h.join('\r\n')}\r\n${renderPart(m.body)}`, 'utf8');
}

/** Plain text plus a simple HTML rendering of it, as most mail clients send. */
export function alternative(text: string, opts: { html?: string; encoding?: 'quoted-printable' | 'base64' | '8bit' } = {}): Part {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html =
    opts.html ??
    `<html><head><meta charset="utf-8"></head><body><div dir="ltr">${text
      .split(/\n{2,}/)
      .map((para) => `<p>${para.split('\n').map(esc).join('<br>')}</p>`)
      .join('\n')}</div></body></html>`;
  return { kind: 'multipart', subtype: 'alternative', parts: [{ kind: 'text', subtype: 'plain', text, encoding: opts.encoding }, { kind: 'text', subtype: 'html', text: html, encoding: 'quoted-printable' }] };
}

/** Prefix each line with "> " as clients quote. */
export function quote(text: string, depth = 1): string {
  const p = '>'.repeat(depth);
  return text
    .split('\n')
    .map((l) => (l.startsWith('>') ? `${p}${l}` : l ? `${p} ${l}` : p))
    .join('\n');
}
