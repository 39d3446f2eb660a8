/**
 * Print the processing-register entry M1533 the way it is published ("Beschrijving van
 * gegevensverwerking": headings, then tab-separated label/value lines), in Dutch or English,
 * or as JSON. The printed Dutch text is checked against the published entry in
 * test/unit/privacy/register-cli.test.ts, so the data in config/register.ts cannot drift
 * from the entry unnoticed.
 *
 *   node --import tsx cli/register.ts [--lang nl|en] [--details] [--json]
 */
import { pathToFileURL } from 'node:url';
import { REGISTER, retentionKey, type Lang, type ProcessingRegister } from '../config/register.ts';

const LABELS = {
  nl: {
    title: 'Beschrijving van gegevensverwerking',
    description: 'Omschrijving',
    organisation: 'Organisatie',
    reference: 'Referentienummer',
    purposeHeading: 'Doel van de verwerking',
    subjectsHeading: 'Betrokkenen en gegevens',
    dataSubjects: 'Betrokkene(n)',
    personalData: 'Persoonsgegevens',
    collectionPurpose: 'Verzameldoel',
    retention: 'Bewaartermijn',
    source: 'Bron',
    obligation: 'Aanleverplicht',
    automatedHeading: 'Automatische besluitvorming',
    recipientsHeading: 'Ontvangers',
    transferHeading: 'Doorgifte buiten EU',
    controllersHeading: 'Verantwoordelijken',
    name: 'Naam',
    visitingAddress: 'Bezoekadres',
    postalAddress: 'Postadres',
    relatedHeading: 'Gerelateerde verwerkingen',
    detailsHeading: 'Categorieën persoonsgegevens in de pipeline',
    category: 'Categorie',
    entryWording: 'Tekst in register',
    purpose: 'Doel',
    legalBasis: 'Grondslag',
    condition: 'Voorwaarde',
    retentionTerm: 'Bewaartermijn (technisch)',
    enforcedBy: 'Verwijdering door',
    recipients: 'Ontvangers',
    required: 'Verplicht',
    yes: 'ja',
    no: 'nee',
    technicalHeading: 'Technische bewaartermijnen',
    term: 'Gegevenssoort',
  },
  en: {
    title: 'Description of data processing',
    description: 'Description',
    organisation: 'Organisation',
    reference: 'Reference number',
    purposeHeading: 'Purpose of the processing',
    subjectsHeading: 'Data subjects and data',
    dataSubjects: 'Data subject(s)',
    personalData: 'Personal data',
    collectionPurpose: 'Purpose of collection',
    retention: 'Retention period',
    source: 'Source',
    obligation: 'Obligation to provide',
    automatedHeading: 'Automated decision-making',
    recipientsHeading: 'Recipients',
    transferHeading: 'Transfer outside the EU',
    controllersHeading: 'Controllers',
    name: 'Name',
    visitingAddress: 'Visiting address',
    postalAddress: 'Postal address',
    relatedHeading: 'Related processing',
    detailsHeading: 'Personal-data categories in the pipeline',
    category: 'Category',
    entryWording: 'Register wording',
    purpose: 'Purpose',
    legalBasis: 'Legal basis',
    condition: 'Condition',
    retentionTerm: 'Retention (technical)',
    enforcedBy: 'Deleted by',
    recipients: 'Recipients',
    required: 'Obligatory',
    yes: 'yes',
    no: 'no',
    technicalHeading: 'Technical retention terms',
    term: 'Data kind',
  },
} as const;

export interface RenderOptions {
  /** Append the pipeline's per-category and technical terms after the entry. */
  details?: boolean;
  register?: ProcessingRegister;
}

/** The entry in the published layout; Dutch is the authoritative text, English a translation. */
export function renderRegister(lang: Lang, options: RenderOptions = {}): string {
  const r = options.register ?? REGISTER;
  const L = LABELS[lang];
  const out: string[] = [];
  const heading = (text: string): void => {
    out.push('', text, '');
  };
  const line = (label: string, value: string): void => {
    out.push(`${label}\t${value}`);
  };

  heading(L.title);
  line(L.description, r.title[lang]);
  line(L.organisation, r.organisation[lang]);
  line(L.reference, r.reference);

  heading(L.purposeHeading);
  out.push(r.purposeText[lang], '', r.legalBasisText[lang]);

  heading(L.subjectsHeading);
  r.entryBlocks.forEach((block, i) => {
    if (i > 0) out.push('');
    line(L.dataSubjects, block.dataSubjects[lang]);
    line(L.personalData, block.personalData[lang]);
    line(L.collectionPurpose, block.purpose[lang]);
    line(L.retention, block.retention[lang]);
    line(L.source, block.source[lang]);
    line(L.obligation, block.obligation[lang]);
  });

  heading(L.automatedHeading);
  out.push(r.automatedDecisionMaking.text[lang]);

  heading(L.recipientsHeading);
  out.push(r.recipients.text[lang]);

  heading(L.transferHeading);
  out.push(r.transferOutsideEu.text[lang]);

  heading(L.controllersHeading);
  line(L.name, r.controller.name[lang]);
  line(L.visitingAddress, r.controller.visitingAddress.text[lang]);
  line(L.postalAddress, r.controller.postalAddress.text[lang]);

  heading(L.relatedHeading);
  out.push(r.relatedProcessing.text[lang]);

  if (options.details) {
    const purposeOf = (id: string) => r.purposes.find((p) => p.id === id);
    const recipientLabel = (id: string) => r.recipients.parties.find((p) => p.id === id)?.label[lang] ?? id;
    heading(L.detailsHeading);
    r.categories.forEach((c, i) => {
      if (i > 0) out.push('');
      line(L.category, `${c.id}: ${c.label[lang]}`);
      line(L.entryWording, c.entryWording);
      line(L.purpose, purposeOf(c.purpose)?.description[lang] ?? c.purpose);
      line(L.legalBasis, purposeOf(c.purpose)?.legalBasis[lang] ?? '');
      line(L.condition, c.condition[lang]);
      line(L.source, c.source[lang]);
      line(L.required, c.obligation.required ? L.yes : L.no);
      line(L.retentionTerm, retentionKey(c.retention));
      line(L.enforcedBy, c.enforcedBy.join(', '));
      line(L.recipients, c.recipients.map(recipientLabel).join('; '));
    });
    heading(L.technicalHeading);
    r.technicalTerms.forEach((t, i) => {
      if (i > 0) out.push('');
      line(L.term, `${t.id}: ${t.description[lang]}`);
      line(L.retentionTerm, t.retention);
    });
  }
  return out.join('\n') + '\n';
}

/** The whole register as JSON (both languages, all machine-readable terms). */
export function renderRegisterJson(register: ProcessingRegister = REGISTER): string {
  return JSON.stringify(register, null, 2) + '\n';
}

/** Command-line entry: arguments in, text out; no environment reads. */
export function main(argv: readonly string[]): string {
  const langIndex = argv.indexOf('--lang');
  const lang = langIndex >= 0 ? argv[langIndex + 1] : 'nl';
  if (lang !== 'nl' && lang !== 'en') throw new RangeError('--lang must be nl or en');
  if (argv.includes('--json')) return renderRegisterJson();
  return renderRegister(lang, { details: argv.includes('--details') });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(main(process.argv.slice(2)));
}
