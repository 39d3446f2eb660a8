/**
 * Day 4 (issue #16): a citizen e-mails a screenshot (with EXIF GPS) and an inline logo; three
 * days later the raw mail leaves the intake mailbox's Processed folder. On day 4 (injected
 * clock) an agent still sees the message in its sandboxed frame and the screenshot,
 * re-encoded without its EXIF; a PDF page renders through pdftoppm; an SVG is download only.
 * The read log has one line per look, none for a refused look (an audit entry instead), and
 * holds no personal data (scanned); the privacy officer's page lists them; a DSAR export
 * lists role and time, not the colleague.
 *
 * Real IMAP (Dovecot), Kafka, FerretDB, the OCR inspector (two images) and the local OIDC provider.
 */
import { expect } from 'chai';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createProcessedPurger } from '../../../ingest/imap/purge.ts';
import { createKeyedHasher } from '../../../lib/crypto.ts';
import { silentLogger } from '../../../lib/logger.ts';
import type { App } from '../../../app/index.ts';
import { createWorkbench, type Workbench } from '../../../workbench/index.ts';
import { exportSubject } from '../../../processors/dsar/index.ts';
import { createTestPipeline, testId, type TestPipeline } from '../../support/pipeline.ts';
import { eventually, imapAs } from '../../support/env.ts';
import { signIn, workbenchSettings } from '../../support/workbench.ts';
import { renderScreenshot } from '../../support/letters/ids.ts';

const DAY = 86_400_000;

async function folderCount(user: string, folder: string): Promise<number> {
  const c = await imapAs(user);
  try {
    const s = await c.status(folder, { messages: true }).catch(() => null);
    return s ? (s.messages ?? 0) : 0;
  } finally {
    await c.logout();
  }
}

describe('day 4: the screenshot is still in the case view after the raw mail was purged (real servers)', function () {
  this.timeout(240_000);
  let p: TestPipeline;
  let app: App;
  let wb: Workbench;
  let caseNumber = '';
  let caseId = '';
  let day4 = 0;
  const from = `day4-${testId()}@citizens.test`;
  const marker = `Kolibrie${testId()}`;
  let shot: Buffer;

  before(async () => {
    p = await createTestPipeline();
    const screen = await renderScreenshot();
    // A phone's screenshot with location in its EXIF: the route must not pass it on.
    shot = await sharp(screen.image).jpeg({ quality: 85 }).withExif({ IFD0: { Copyright: 'GPS 52.0907 5.1214', Artist: 'Sanne' } }).toBuffer();
    expect((await sharp(shot).metadata()).exif, 'the test image carries EXIF').to.not.equal(undefined);
    const logo = await sharp({ create: { width: 90, height: 40, channels: 3, background: '#01689b' } }).png().toBuffer();
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage([400, 300]).drawText('Brief van de gemeente', { x: 40, y: 200, size: 18, font });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><animate onbegin="alert(2)" attributeName="x" dur="1s"/></svg>');
    const raw = await new MailComposer({
      from: `"Sanne Jansen" <${from}>`, to: p.intakeUser, subject: 'DigiD app foutmelding',
      text: `${marker} De app geeft een foutmelding, zie de schermafbeelding.`,
      html: `<p>${marker} De app geeft een <b>foutmelding</b>, zie de schermafbeelding.</p><img src="cid:logo@day4"><img src="https://tracker.example/open.gif"><img src="http://tracker.example/2.gif"><a href="https://digid-inlog.example/">www.digid.nl</a>`,
      attachments: [
        { filename: 'logo.png', content: logo, contentType: 'image/png', cid: 'logo@day4' },
        { filename: 'scherm.jpg', content: shot, contentType: 'image/jpeg' },
        { filename: 'brief.pdf', content: Buffer.from(await pdf.save()), contentType: 'application/pdf' },
        { filename: 'tekening.svg', content: svg, contentType: 'image/svg+xml' },
      ],
    }).compile().build();
    app = await p.start(['ingest', 'process', 'inspect']);
    await p.append([raw]);
    const db = await p.db();
    const c = await eventually(async () => {
      const d = await db.collection('cases').findOne({});
      return d && (d.messages[0].attachments as Array<{ inspection?: string }>).every((a) => a.inspection !== 'pending') ? d : undefined;
    }, 150_000, 'the case with its attachments inspected');
    caseNumber = c.caseNumber as string;
    caseId = String(c._id);
    await eventually(async () => ((await folderCount(p.intakeUser, 'Processed')) === 1 ? true : undefined), 30_000, 'the raw mail in Processed');
    await p.stopApp();

    // Day 4: the processed folder's term (3 days) has passed.
    day4 = Date.now() + 4 * DAY;
    const purged = await createProcessedPurger({ imap: { ...p.config.imap }, processedFolder: 'Processed', termMs: 3 * DAY, logger: silentLogger(), clock: () => new Date(day4) }).runOnce();
    expect(purged).to.equal(1);
    expect(await folderCount(p.intakeUser, 'Processed')).to.equal(0);

    // The workbench on day 4, on the same database.
    app = await p.start(['retention']);
    await app.components.sweeper!.stop();
    const clock = () => new Date(day4);
    wb = await createWorkbench({ settings: workbenchSettings(), conn: app.conn, store: app.store, identity: app.identity, audit: app.audit, logger: silentLogger(), clock });
    await wb.start();
  });
  after(async () => {
    await wb?.stop();
    await p?.cleanup();
  });

  const readLogCount = async () => (await p.db()).collection('read_log').countDocuments({ caseId });
  const base = () => `/zaken/${caseNumber}/inhoud/`;

  it('shows the message in a sandboxed frame with its own CSP, the remote images counted, not fetched', async () => {
    const a = await signIn(wb.url, 'eerstelijn');
    const page = await a.get(`/zaken/${caseNumber}`);
    const text = await page.text();
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include("frame-src 'self'");
    const frame = /<iframe[^>]*src="([^"]+)"[^>]*>/.exec(text);
    expect(frame, 'an iframe').to.not.equal(null);
    expect(frame![0]).to.include('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(frame![0]).to.not.include('allow-scripts').and.not.include('allow-same-origin');
    const res = await a.get(frame![1]!.replace(/&amp;/g, '&'));
    const doc = await res.text();
    expect(res.status).to.equal(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.match(/^default-src 'none'; img-src http:\/\/127\.0\.0\.1:\d+\/zaken\/KCC-\d{4}-\d{6}\/inhoud\/[\w-]+\/; style-src 'unsafe-inline'; frame-ancestors 'self'/);
    expect(doc).to.include(marker).and.include('2 externe afbeeldingen niet geladen');
    expect(doc).to.not.include('tracker.example');
    expect(doc).to.match(/<img src="\/zaken\/KCC-\d{4}-\d{6}\/inhoud\/[\w-]+\/0\?in=frame"/);
    expect(doc).to.include('target="_blank"').and.include('rel="noopener noreferrer"').and.include('attr(href)');
    // Plain text one click away.
    const plain = await (await a.get(`/zaken/${caseNumber}?weergave=tekst`)).text();
    expect(plain).to.include('data-testid="plain-text"').and.include(marker);
  });

  it('serves the screenshot on day 4, re-encoded as PNG without EXIF; a PDF page as an image; an SVG only as a warned download', async () => {
    const a = await signIn(wb.url, 'eerstelijn');
    const key = (await (await p.db()).collection('cases').findOne({ _id: caseId as never }))!.messages[0].dedupeKey as string;
    const img = await a.get(`${base()}${key}/1`);
    expect(img.status).to.equal(200);
    expect(img.headers.get('content-type')).to.equal('image/png');
    expect(img.headers.get('x-content-type-options')).to.equal('nosniff');
    const bytes = Buffer.from(await img.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta.format).to.equal('png');
    expect(meta.exif).to.equal(undefined);
    expect(bytes.includes(Buffer.from('52.0907'))).to.equal(false);
    expect(meta.width).to.equal((await sharp(shot).metadata()).width);

    const pdfPage = await a.get(`${base()}${key}/2/pagina/1`);
    expect(pdfPage.status).to.equal(200);
    expect((await sharp(Buffer.from(await pdfPage.arrayBuffer())).metadata()).format).to.equal('png');

    // SVG: never inline; the download asks first, then comes as an attachment of no type.
    expect((await a.get(`${base()}${key}/3`)).status).to.equal(404);
    const warn = await a.get(`${base()}${key}/3/download`);
    expect(await warn.text()).to.include('kan code bevatten');
    const dl = await a.get(`${base()}${key}/3/download?ok=1`);
    expect(dl.headers.get('content-disposition')).to.match(/^attachment; filename="tekening\.svg"/);
    expect(dl.headers.get('content-type')).to.equal('application/octet-stream');
    expect(dl.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('writes one read-log line per look, none for a refused look (an audit entry), and no personal data', async () => {
    const key = (await (await p.db()).collection('cases').findOne({ _id: caseId as never }))!.messages[0].dedupeKey as string;
    const a = await signIn(wb.url, 'eerstelijn');
    const step = async (url: string, want: number, status = 200) => {
      const n0 = await readLogCount();
      const res = await a.get(url);
      expect(res.status, url).to.equal(status);
      await res.arrayBuffer();
      expect((await readLogCount()) - n0, url).to.equal(want);
    };
    await step(`/zaken/${caseNumber}`, 1);
    await step(`/zaken/${caseNumber}/bericht/${key}`, 1);
    await step(`${base()}${key}/1`, 1);
    await step(`${base()}${key}/0?in=frame`, 0); // part of the frame's look
    await step(`${base()}${key}/3/download?ok=1`, 1);

    // A refused look: the privacy officer may not open the case itself.
    const po = await signIn(wb.url, 'privacy');
    const audit0 = await (await p.db()).collection('audit_log').countDocuments({ action: 'access_denied' });
    const n0 = await readLogCount();
    expect((await po.get(`/zaken/${caseNumber}`)).status).to.equal(403);
    expect(await readLogCount()).to.equal(n0);
    expect(await (await p.db()).collection('audit_log').countDocuments({ action: 'access_denied' })).to.equal(audit0 + 1);

    // The privacy officer's page: who looked.
    const page = await po.get(`/privacy/zaken/${caseNumber}/inzage`);
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.include('zaak bekeken').and.include('bijlage gedownload').and.include('first_line');
    expect((await a.get(`/privacy/zaken/${caseNumber}/inzage`)).status).to.equal(403);

    // No personal data in the read log: the citizen's address, name, text, file names.
    const all = JSON.stringify(await (await p.db()).collection('read_log').find({}).toArray());
    for (const pd of [from, 'Sanne', 'Jansen', marker, 'scherm.jpg', 'tekening.svg', 'foutmelding']) expect(all, pd).to.not.include(pd);
    const one = await (await p.db()).collection('read_log').findOne({ caseId });
    expect(one!.attributes).to.deep.include({ key: 'dpl.core.processing_activity_id', value: 'urn:nl:logius:verwerkingsregister:M1533' });
    expect(one!.trace_id).to.match(/^[0-9a-f]{32}$/);
    expect(one!.span_id).to.match(/^[0-9a-f]{16}$/);
  });

  it('a DSAR export lists who looked by role and time, not the colleague\'s account', async () => {
    const out = await exportSubject(app.conn, createKeyedHasher(p.config.keys.hmac), { email: from }, { actor: { id: 'privacy-x', role: 'privacy_officer' }, content: app.store.content });
    const reads = out.cases[0]!.reads!;
    expect(reads.length).to.be.at.least(5);
    expect(reads.map((r) => r.role)).to.include('first_line');
    const sessionsSub = JSON.stringify(reads);
    const accountIds = [...new Set((await (await p.db()).collection('read_log').find({}).toArray()).map((d) => d.actor.id as string))];
    for (const id of accountIds) expect(sessionsSub).to.not.include(id);
    expect(out.cases[0]!.content![0]!.attachments.map((x) => x.filename)).to.deep.equal(['logo.png', 'scherm.jpg', 'brief.pdf', 'tekening.svg']);
  });
});
