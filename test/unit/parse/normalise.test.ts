/**
 * Normalisation: hand-written fixtures (test/fixtures/parse/*.eml) for the reply and forward
 * styles the KCC receives, and splitQuotes on the cases a fixture would only repeat.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ConfigError } from '../../../lib/errors.ts';
import { createEmailParser, DEFAULT_PARSE_LIMITS, messageKey, parseEmail, resolveLimits, splitQuotes } from '../../../processors/parse/index.ts';
import { fixture } from './helpers.ts';

describe('parse: normalisation of fixtures', () => {
  it('Gmail NL reply: wrapped "Op ... schreef" attribution and "> " quote removed, headers normalised', async () => {
    const p = await parseEmail(fixture('reply-gmail-nl.eml'));
    expect(p.text).to.equal(
      'Goedemorgen,\n\nIk heb de activeringsbrief nog steeds niet ontvangen. Kunt u hem opnieuw\nversturen?\n\nMet vriendelijke groet,\nJan de Vries',
    );
    expect(p.quotedText).to.equal(
      'Op ma 5 jan. 2026 om 08:30 schreef KCC Logius <\nkcc@kcc.example.nl>:\n\n> Geachte heer De Vries,\n>\n> Wij hebben uw vraag ontvangen onder zaaknummer 2026-000123.\n>\n> Met vriendelijke groet,\n> Klantcontactcentrum\n>',
    );
    expect(p.forwarded).to.equal(null);
    expect(p.nonCase).to.equal(null);
    expect(p.messageId).to.equal('CAF0reply-gmail-nl-0001@mail.gmail.com');
    expect(p.inReplyTo).to.equal('kcc-ticket-2026-000123@kcc.example.nl');
    expect(p.references).to.deep.equal(['kcc-first-0001@kcc.example.nl', 'kcc-ticket-2026-000123@kcc.example.nl']);
    expect(p.from).to.deep.equal({ name: 'Jan de Vries', address: 'jan.devries@example.com' });
    expect(p.to).to.deep.equal([{ name: 'KCC Logius', address: 'kcc@kcc.example.nl' }]);
    expect(p.replyTo).to.equal(null);
    expect(p.date?.toISOString()).to.equal('2026-01-05T08:12:44.000Z');
    expect(p.subject).to.equal('Re: Uw vraag over DigiD (zaaknummer 2026-000123)');
    expect(p.warnings).to.deep.equal([]);
  });

  it('Outlook NL reply (quoted-printable): the Van/Verzonden/Aan/Onderwerp history is cut', async () => {
    const p = await parseEmail(fixture('reply-outlook-nl.eml'));
    expect(p.text).to.equal(
      'Beste medewerker,\n\nBedankt voor uw snelle reactie. Mijn gegevens zijn inmiddels gewijzigd, maar in MijnOverheid zie ik nog het oude adres. Wat moet ik doen?\n\nGroet,\nAnneke Jansen-Çelik',
    );
    expect(p.quotedText).to.equal(
      '________________________________\nVan: KCC Logius <kcc@kcc.example.nl>\nVerzonden: maandag 5 januari 2026 14:02\nAan: Anneke Jansen <a.jansen@example.nl>\nOnderwerp: RE: Adreswijziging MijnOverheid\n\nGeachte mevrouw Jansen,\n\nUw adreswijziging wordt binnen vijf werkdagen verwerkt (zaak 2026-004711).\n\nMet vriendelijke groet,\nKlantcontactcentrum',
    );
    expect(p.forwarded).to.equal(null);
    // X-Auto-Response-Suppress alone (Outlook sets it on ordinary mail) is not an auto-reply
    expect(p.nonCase).to.equal(null);
    expect(p.from).to.deep.equal({ name: 'Jansen, Anneke', address: 'a.jansen@example.nl' });
  });

  it('English reply (base64): "-- " signature stays, "On ... wrote:" history goes; attachment hashed', async () => {
    const raw = fixture('reply-en-signature.eml');
    const p = await parseEmail(raw);
    expect(p.text).to.equal(
      'Hello,\n\nI tried to log in to MijnOverheid from abroad and the SMS code never arrives.\nMy phone number has not changed.\n\n-- \nJohn Smith\nFlat 2, 10 Example Road, London',
    );
    expect(p.quotedText).to.equal(
      'On Mon, 5 Jan 2026 at 16:40, KCC Logius <kcc@kcc.example.nl> wrote:\n> Dear Mr Smith,\n>\n> Could you tell us which login method you use?',
    );
    expect(p.forwarded).to.equal(null);
    expect(p.replyTo).to.deep.equal({ name: 'John Smith (home)', address: 'john@home.example.co.uk' });
    expect(p.attachments).to.have.length(1);
    const a = p.attachments[0]!;
    const content = Buffer.from('%PDF-1.4\n% tiny test file\n');
    expect(a.content.equals(content)).to.equal(true);
    expect(a).to.include({ filename: 'screenshot.pdf', contentType: 'application/pdf', size: content.length, inline: false });
    expect(a.sha256).to.equal(createHash('sha256').update(content).digest('hex'));
  });

  it('Gmail forward: text is the original, forwarded names its sender, the note is kept aside', async () => {
    const p = await parseEmail(fixture('forward-gmail.eml'));
    expect(p.text).to.equal('Beste heer Bakker,\n\nU heeft nog geen machtiging afgegeven via DigiD Machtigen.\nDoe dit voor 1 februari.\n\nGemeente Voorbeeld');
    expect(p.quotedText).to.equal('Zie hieronder, dit bericht begrijp ik niet.');
    expect(p.forwarded).to.deep.equal({
      from: { name: 'Gemeente Voorbeeld', address: 'info@gemeente-voorbeeld.example.nl' },
      subject: 'Herinnering machtiging',
      to: ['piet.bakker@example.nl'],
      toText: '<piet.bakker@example.nl>',
      note: 'Zie hieronder, dit bericht begrijp ik niet.',
    });
    expect(p.from.address).to.equal('piet.bakker@example.nl');
  });

  it('Outlook NL forward ("Doorst:", [mailto:]): the original, without its own quoted history', async () => {
    const p = await parseEmail(fixture('forward-outlook-nl.eml'));
    expect(p.text).to.equal('Hoi Karin,\n\nWaarom krijg ik geen berichten meer in mijn Berichtenbox?\n\nHenk');
    expect(p.quotedText).to.equal('Op di 6 jan. 2026 om 20:00 schreef Karin Smit <karin.smit@example.nl>:\n> Vraag het de KCC.');
    expect(p.forwarded).to.deep.equal({ from: { name: 'Henk Smit', address: 'h.smit@example.org' }, subject: 'Vraag over Berichtenbox', to: ['karin.smit@example.nl'], toText: 'Karin Smit <karin.smit@example.nl>', note: '' });
  });

  it('HTML-only Gmail reply: converted without link targets, blockquote history removed', async () => {
    const p = await parseEmail(fixture('html-only-gmail.eml'));
    expect(p.text).to.equal('Dag KCC,\n\nWelk betrouwbaarheidsniveau heb ik nodig voor de aanvraag?\n\nFatima');
    expect(p.quotedText).to.equal(
      'Op wo 7 jan. 2026 om 17:05 schreef KCC Logius <kcc@kcc.example.nl>:\n\n> Geachte mevrouw,\n>\n> Zaak 2026-000777 is aangemaakt.',
    );
    expect(p.forwarded).to.equal(null);
    expect(p.warnings).to.deep.equal([]);
  });

  it('ISO-8859-1 8bit body and encoded-word headers are decoded', async () => {
    const p = await parseEmail(fixture('latin1-plain.eml'));
    expect(p.subject).to.equal('Vraag over mijn DigiD-aanvraag (pré-registratie)');
    expect(p.from).to.deep.equal({ name: 'Zoë Müller', address: 'zoe.muller@example.be' });
    expect(p.text).to.equal(
      'Geachte heer/mevrouw,\n\nIk woon in België en heb geen brief ontvangen. Kan het ook per e-mail? Ça va?\n\nMet vriendelijke groet,\nZoë Müller',
    );
    expect(p.quotedText).to.equal('');
    expect(p.forwarded).to.equal(null);
  });
});

describe('parse: splitQuotes', () => {
  it('keeps bottom-posted and interleaved answers as the writer\'s text', () => {
    const s = splitQuotes('On Mon, 5 Jan 2026 at 10:00, KCC <kcc@example.nl> wrote:\n> Vraag 1?\n\nAntwoord 1.\n> Vraag 2?\nAntwoord 2.', 'Re: x');
    expect(s.text).to.equal('Antwoord 1.\nAntwoord 2.');
    expect(s.quotedText).to.equal('On Mon, 5 Jan 2026 at 10:00, KCC <kcc@example.nl> wrote:\n> Vraag 1?\n> Vraag 2?');
  });

  it('cuts Outlook "-----Original Message-----" history in a reply (English Outlook)', () => {
    const s = splitQuotes('Thanks.\n\n-----Original Message-----\nFrom: KCC [mailto:kcc@example.nl]\nSent: Monday, January 5, 2026 10:00 AM\nTo: Me\nSubject: RE: x\n\nOld text', 'RE: x');
    expect(s).to.deep.equal({
      text: 'Thanks.',
      quotedText: '-----Original Message-----\nFrom: KCC [mailto:kcc@example.nl]\nSent: Monday, January 5, 2026 10:00 AM\nTo: Me\nSubject: RE: x\n\nOld text',
      forwarded: null,
    });
  });

  it('reads an Outlook "FW:" forward with "-----Original Message-----" and [mailto:]', () => {
    const s = splitQuotes(
      'FYI\n\n-----Original Message-----\nFrom: Dienst Toeslagen [mailto:Info@Toeslagen.example.nl]\nSent: Monday, January 5, 2026 10:00 AM\nTo: Me <me@example.nl>\nSubject: Uw toeslag\n\nBeste,\nUw toeslag is gewijzigd.',
      'FW: Uw toeslag',
    );
    expect(s).to.deep.equal({
      text: 'Beste,\nUw toeslag is gewijzigd.',
      quotedText: 'FYI',
      forwarded: { from: { name: 'Dienst Toeslagen', address: 'info@toeslagen.example.nl' }, subject: 'Uw toeslag', to: ['me@example.nl'], toText: 'Me <me@example.nl>', note: 'FYI' },
    });
  });

  it('reads an Apple Mail "Begin doorgestuurd bericht:" forward with bold header names', () => {
    const s = splitQuotes(
      '\nBegin doorgestuurd bericht:\n\n*Van:* "Belastingdienst" <noreply@belasting.example.nl>\n*Datum:* 5 januari 2026 om 10:00:00 CET\n*Aan:* me@example.nl\n*Onderwerp:* Aanslag\n\nUw aanslag staat klaar.',
      'Fwd: Aanslag',
    );
    expect(s).to.deep.equal({
      text: 'Uw aanslag staat klaar.',
      quotedText: '',
      forwarded: { from: { name: 'Belastingdienst', address: 'noreply@belasting.example.nl' }, subject: 'Aanslag', to: ['me@example.nl'], toText: 'me@example.nl', note: '' },
    });
  });

  it('takes everything after a full attribution as history when the original is not "> "-prefixed', () => {
    const s = splitQuotes('Prima, dank u.\n\nOp 5 jan. 2026 om 10:00 heeft KCC <kcc@example.nl> het volgende geschreven:\n\nGeachte heer,\nOud bericht.', 'Re: x');
    expect(s.text).to.equal('Prima, dank u.');
    expect(s.quotedText).to.equal('Op 5 jan. 2026 om 10:00 heeft KCC <kcc@example.nl> het volgende geschreven:\n\nGeachte heer,\nOud bericht.');
  });

  it('leaves the writer\'s own sentences alone when they only look like markers', () => {
    const text = 'On Monday I wrote:\nmijn brief is verstuurd.\nVan: mijn buurman\nheb ik gehoord dat het kan.\n________________________________\nGroet';
    expect(splitQuotes(text, 'Vraag')).to.deep.equal({ text, quotedText: '', forwarded: null });
  });

  it('does not treat a Fwd: subject without forward markers as a forward', () => {
    expect(splitQuotes('Zie bijlage.', 'Fwd: brief')).to.deep.equal({ text: 'Zie bijlage.', quotedText: '', forwarded: null });
  });
});

describe('parse: limits, factory and messageKey', () => {
  it('documents defaults and validates overrides, reporting every problem at once', () => {
    expect(DEFAULT_PARSE_LIMITS).to.deep.equal({ maxBytes: 36 * 1024 * 1024, maxAttachments: 100, maxMimeDepth: 100, maxTextChars: 100_000 });
    expect(Object.isFrozen(DEFAULT_PARSE_LIMITS)).to.equal(true);
    let caught: unknown;
    try {
      resolveLimits({ maxBytes: 0, maxAttachments: 1.5, nonsense: 3 } as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ConfigError);
    const e = caught as ConfigError;
    expect(e.code).to.equal('PARSE_LIMITS_INVALID');
    expect(e.message).to.include('maxBytes').and.to.include('maxAttachments').and.to.include('nonsense');
    expect(resolveLimits({ maxTextChars: 10 }).maxTextChars).to.equal(10);
  });

  it('createEmailParser validates once and applies limits and our addresses', async () => {
    expect(() => createEmailParser({ limits: { maxMimeDepth: -1 } })).to.throw(ConfigError);
    const parser = createEmailParser({ limits: { maxTextChars: 20 }, ourAddresses: ['KCC@kcc.example.nl'] });
    expect(parser.limits.maxTextChars).to.equal(20);
    const own = await parser.parse(Buffer.from('From: kcc@kcc.example.nl\r\nSubject: x\r\n\r\nIk ben een lange tekst van meer dan twintig tekens.'));
    expect(own.text).to.have.length(20);
    expect(own.warnings).to.include('text-truncated');
    expect(own.nonCase).to.deep.equal({ kind: 'loop', reason: 'sent-by-us' });
  });

  it('messageKey is sha256(messageId + sha256(raw)) in hex, stable and sensitive to both', async () => {
    const raw = fixture('latin1-plain.eml');
    const p = await parseEmail(raw);
    const rawHash = createHash('sha256').update(raw).digest('hex');
    const expected = createHash('sha256').update('latin1-0001@example.be' + rawHash).digest('hex');
    expect(messageKey(p, raw)).to.equal(expected);
    expect(messageKey(p, Buffer.from(raw))).to.equal(expected);
    expect(messageKey({ messageId: null }, raw)).to.equal(createHash('sha256').update(rawHash).digest('hex'));
    expect(messageKey(p, Buffer.concat([raw, Buffer.from('\n')]))).to.not.equal(expected);
  });
});
