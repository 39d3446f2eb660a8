/**
 * What the citizen sent, shown safely, and who looked (issue #16). Thin: every rule is in
 * processors/content (sanitising, storing, rendering) and processors/readlog.
 *
 *  GET /zaken/:number/bericht/:key                     the message frame (its own CSP, framed by our case page only)
 *  GET /zaken/:number/inhoud/:key/:index               an image attachment, re-encoded (no EXIF/GPS)
 *  GET /zaken/:number/inhoud/:key/:index/pagina/:page  a PDF page as an image (pdftoppm, time-bounded)
 *  GET /zaken/:number/inhoud/:key/:index/download      the file as sent: attachment, nosniff, never sniffed or run
 *  GET /privacy/zaken/:number/inzage                   the privacy officer's "who looked at this case"
 *
 * ID copies never come through here: an attachment the inspector found to be one, or one
 * still waiting for the inspector, is refused (they are opened only through the audited
 * identity view). Every look is a read-log line through the audit log (`readActivity`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CaseDoc, CaseStore } from '../../processors/cases/index.ts';
import type { AuditLog } from '../../processors/audit/index.ts';
import { frameCsp, messageFrameDocument, presentationOf, reencodeImage, renderPdfPage } from '../../processors/content/render.ts';
import { createReadLog, type ReadActivity } from '../../processors/readlog/index.ts';
import type { AgentRole } from '../access.ts';
import { contentStrings } from '../i18n.ts';
import { page, Message, type PageContext } from '../views/layout.tsx';
import type { Connection } from 'mongoose';

export interface ContentRoutesContext {
  conn: Connection;
  store: CaseStore;
  audit: AuditLog;
  /** The case, refused (403 and an audit entry) when the agent's line may not read it (processors/cases caseAccessFor). */
  caseByNumber(number: string, req: FastifyRequest, need: 'read' | 'act'): Promise<CaseDoc & { hasBsn: boolean }>;
  pageContext(req: FastifyRequest, reply?: FastifyReply): PageContext;
}

const WORKERS: AgentRole[] = ['first_line', 'second_line', 'team_lead'];
const number = { type: 'string', pattern: '^KCC-\\d{4}-\\d{6}$' } as const;
const key = { type: 'string', pattern: '^[\\w-]{1,128}$' } as const;
const index = { type: 'integer', minimum: 0, maximum: 1000 } as const;
const partParams = { type: 'object', properties: { number, key, index }, required: ['number', 'key', 'index'] } as const;

/** Headers for bytes we serve from a citizen: never sniffed, never a document that runs, never cached. */
function untrusted(reply: FastifyReply): FastifyReply {
  return reply
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'no-store');
}

/** A file name for Content-Disposition: ASCII fallback plus RFC 5987 UTF-8, no quotes or controls. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\;]/g, '_').slice(0, 150) || 'bijlage';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 150))}`;
}

export async function registerContentRoutes(app: FastifyInstance, ctx: ContentRoutesContext): Promise<void> {
  const { store, audit } = ctx;
  const readLog = createReadLog(ctx.conn);
  const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);

  const look = (req: FastifyRequest, caseId: string, readActivity: ReadActivity) =>
    audit.record({ actor: { id: req.agent!.id, role: req.agent!.role }, action: 'read_case', caseId, readActivity });

  /**
   * The case and its message with this key, or 404 (a message is only ever reached through its own case).
   * A letter's kept pages are its attachments (processors/letters/keep-pages.ts); only an e-mail has a frame.
   */
  async function messageOf(req: FastifyRequest, num: string, k: string, channels: readonly string[] = ['email', 'letter']) {
    const c = await ctx.caseByNumber(num, req, 'read');
    const m = c.messages.find((x) => x.dedupeKey === k);
    if (!m || !channels.includes(m.channel)) return null;
    return { c, m };
  }

  function gone(req: FastifyRequest, reply: FastifyReply, status = 404, text?: string) {
    const p = ctx.pageContext(req, reply);
    const s = contentStrings(p.lang);
    return html(reply, page(p, s.gone, <Message title={s.gone} text={text ?? s.gone} />), status);
  }

  /**
   * An attachment that may be shown: in the case's message, not an ID copy or signature,
   * inspected (a pending one may still turn out to be an ID copy), and kept.
   */
  async function partOf(req: FastifyRequest, num: string, k: string, i: number) {
    const found = await messageOf(req, num, k);
    if (!found) return null;
    const a = found.m.attachments[i];
    if (!a || a.kind === 'id_document' || a.kind === 'signature' || a.inspection === 'pending') return null;
    const got = await store.content.partBytes(found.c._id, k, i);
    if (!got || got.part.droppedAs) return null;
    return { ...found, a, ...got };
  }

  app.get('/zaken/:number/bericht/:key', { config: { access: WORKERS }, schema: { params: { type: 'object', properties: { number, key }, required: ['number', 'key'] } } }, async (req, reply) => {
    const { number: num, key: k } = req.params as { number: string; key: string };
    const found = await messageOf(req, num, k, ['email']);
    if (!found) return reply.callNotFound();
    const { c, m } = found;
    const kept = await store.content.read(c._id, k);
    await look(req, c._id, 'message_view');
    const base = `/zaken/${num}/inhoud/${encodeURIComponent(k)}/`;
    const cidUrl = (cid: string): string | null => {
      const part = kept?.parts.find((p) => p.contentId === cid && p.fileId);
      if (!part) return null;
      const a = m.attachments[part.index];
      if (!a || a.kind !== 'other' || a.inspection === 'pending' || presentationOf(part.contentType, part.filename) !== 'image') return null;
      return `${base}${part.index}?in=frame`;
    };
    const lang = ctx.pageContext(req).lang;
    const doc = messageFrameDocument({ html: kept?.html ?? null, text: m.text, blocked: kept?.blocked ?? { images: 0, styles: 0 }, cidUrl, lang, htmlDropped: kept?.htmlDropped ?? null });
    const origin = `${req.protocol}://${req.host}`;
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', frameCsp(`${origin}${base}`))
      .header('x-frame-options', 'SAMEORIGIN')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(doc);
  });

  app.get('/zaken/:number/inhoud/:key/:index', { config: { access: WORKERS }, schema: { params: partParams } }, async (req, reply) => {
    const { number: num, key: k, index: i } = req.params as { number: string; key: string; index: number };
    const part = await partOf(req, num, k, i);
    if (!part || presentationOf(part.a.contentType, part.a.filename) !== 'image') return gone(req, reply);
    let png: Buffer;
    try {
      png = await reencodeImage(part.bytes);
    } catch {
      return gone(req, reply, 422);
    }
    // An inline part drawn inside the message frame is part of that look (message_view), not a look of its own.
    const inFrame = (req.query as { in?: string }).in === 'frame' && !!part.part.contentId && part.part.inline;
    if (!inFrame) await look(req, part.c._id, 'attachment_view');
    return untrusted(reply).type('image/png').header('content-disposition', 'inline').send(png);
  });

  app.get('/zaken/:number/inhoud/:key/:index/pagina/:page', {
    config: { access: WORKERS },
    schema: { params: { type: 'object', properties: { number, key, index, page: { type: 'integer', minimum: 1, maximum: 20 } }, required: ['number', 'key', 'index', 'page'] } },
  }, async (req, reply) => {
    const { number: num, key: k, index: i, page: pg } = req.params as { number: string; key: string; index: number; page: number };
    const part = await partOf(req, num, k, i);
    if (!part || presentationOf(part.a.contentType, part.a.filename) !== 'pdf') return gone(req, reply);
    const png = await renderPdfPage(part.bytes, pg);
    if (!png) return gone(req, reply, 422, contentStrings(ctx.pageContext(req).lang).pdfFailed);
    await look(req, part.c._id, 'attachment_view');
    return untrusted(reply).type('image/png').header('content-disposition', 'inline').send(png);
  });

  app.get('/zaken/:number/inhoud/:key/:index/download', { config: { access: WORKERS }, schema: { params: partParams } }, async (req, reply) => {
    const { number: num, key: k, index: i } = req.params as { number: string; key: string; index: number };
    const part = await partOf(req, num, k, i);
    if (!part) return gone(req, reply);
    // A file that can run (SVG, HTML, macros, programs): a page with the warning first.
    if (presentationOf(part.a.contentType, part.a.filename) === 'risky' && (req.query as { ok?: string }).ok !== '1') {
      const p = ctx.pageContext(req, reply);
      const s = contentStrings(p.lang);
      return html(reply, page(p, s.downloadRiskyTitle, (
        <Message title={s.downloadRiskyTitle} text={s.risky}>
          <p class="utrecht-paragraph"><a class="utrecht-link" data-testid="download-anyway" href={`/zaken/${num}/inhoud/${encodeURIComponent(k)}/${i}/download?ok=1`}>{s.downloadRiskyButton}: {part.a.filename}</a></p>
          <p class="utrecht-paragraph"><a class="utrecht-link" href={`/zaken/${num}`}>{p.t.backToQueue}</a></p>
        </Message>
      )));
    }
    await look(req, part.c._id, 'attachment_download');
    return untrusted(reply).type('application/octet-stream').header('content-disposition', dispositionName(part.a.filename)).send(part.bytes);
  });

  app.get('/privacy/zaken/:number/inzage', { config: { access: ['privacy_officer'] }, schema: { params: { type: 'object', properties: { number }, required: ['number'] } } }, async (req, reply) => {
    const { number: num } = req.params as { number: string };
    const found = await store.models.Case.findOne({ caseNumber: num }, { _id: 1 }).lean<{ _id: string }>();
    if (!found) return reply.callNotFound();
    const lines = await readLog.forCase(found._id);
    const p = ctx.pageContext(req, reply);
    const s = contentStrings(p.lang);
    return html(reply, page(p, s.readLogTitle(num), (
      <section>
        <h1 class="utrecht-heading-1">{s.readLogTitle(num)}</h1>
        <p class="utrecht-paragraph">{s.readLogIntro}</p>
        {lines.length === 0 ? <p class="utrecht-paragraph">{s.readLogNone}</p> : (
          <table class="utrecht-table" data-testid="read-log">
            <thead class="utrecht-table__header"><tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">{s.readLogWhen}</th><th class="utrecht-table__header-cell" scope="col">{s.readLogWho}</th>
              <th class="utrecht-table__header-cell" scope="col">{s.readLogRole}</th><th class="utrecht-table__header-cell" scope="col">{s.readLogWhat}</th>
              <th class="utrecht-table__header-cell" scope="col">{s.readLogWhy}</th>
            </tr></thead>
            <tbody class="utrecht-table__body">
              {lines.map((l) => (
                <tr class="utrecht-table__row">
                  <td class="utrecht-table__cell">{l.at.toISOString().replace('T', ' ').slice(0, 19)} UTC</td><td class="utrecht-table__cell">{l.actorId}</td>
                  <td class="utrecht-table__cell">{l.role}</td><td class="utrecht-table__cell">{s.activities[l.activity] ?? l.activity}</td><td class="utrecht-table__cell">{l.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    )));
  });
}
