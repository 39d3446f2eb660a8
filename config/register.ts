/**
 * The processing-register entry M1533 "Burgerondersteuning KCC" as typed, frozen data.
 *
 * This file is the single place the pipeline learns what personal data it may hold, why,
 * for whom and for how long. Its source of truth is the public register entry
 * (`<repo>/../shared/seed/000_*.txt`, "Beschrijving van gegevensverwerking"); every
 * category below quotes the words of the entry it rests on (`entryWording`), so a reviewer
 * can trace each field of each case document back to the entry without reading code.
 *
 * The entry's own text is kept verbatim (Dutch) in `entryBlocks` and the section texts,
 * so `cli/register.ts` can print the entry as published; English translations sit beside
 * it. Where the pipeline needs more precision than the entry gives (a retention term as an
 * ISO 8601 duration, which mechanism enforces it), the interpretation is ours and is
 * marked as such in a comment.
 *
 * Only `config/` reads the environment; this module reads nothing. The one configurable
 * term (the upper bound on keeping an ID copy while identity is being established) is a
 * parameter of `createRegister()`, which `config/index.ts` can call with its own value.
 */
import { ConfigError } from '../lib/errors.ts';

export type Lang = 'nl' | 'en';

/** A text in Dutch (the register's language, authoritative) with its English translation. */
export interface Bilingual {
  readonly nl: string;
  readonly en: string;
}

/** An ISO 8601 duration such as `P18M`, `P30D`, `PT1H` (integers only; see parseIsoDuration). */
export type IsoDuration = string;

/**
 * How long a category may be kept, counted from the moment it was received.
 *  - a duration: keep at most that long (`P18M`);
 *  - `until: 'identity_established'`: delete as soon as the event happens, and in any case
 *    no later than `upperBound` after receipt (the entry says "zo kort mogelijk": the bound
 *    makes "as short as possible" enforceable when the event never comes).
 */
export type Retention = IsoDuration | { readonly until: 'identity_established'; readonly upperBound: IsoDuration };

/**
 * The mechanism that actually deletes a category when its term ends. A category without
 * one is a promise nobody keeps; `lib/pd-schema.ts` refuses schemas that store such a
 * category.
 *  - `ttl:expiresAt`: the document holding the field carries an `expiresAt` date; a TTL
 *    index (MongoDB) or the retention sweeper (servers without TTL) deletes the document
 *    when it passes (lib/retention.ts).
 *  - `verification`: the identity-verification step deletes the field/document as soon as
 *    identity is established (the event that ends an `until` retention).
 */
export type Enforcement = 'ttl:expiresAt' | 'verification';

export type CategoryId =
  | 'contact'
  | 'bsn'
  | 'message_content'
  | 'case_metadata'
  | 'id_copy'
  | 'survey_email'
  | 'staff_satisfaction';

export type PurposeId = 'citizen_support' | 'identity_verification' | 'satisfaction_survey' | 'service_improvement';
export type DataSubjectId = 'citizens' | 'kcc_staff';
export type RecipientId = 'first_line' | 'second_line';
export type TechnicalTermId = 'claim_check_blob' | 'kafka_topic' | 'imap_processed' | 'audit_log' | 'refusal_reply' | 'refusal_sender_day' | 'dead_letter_record' | 'read_log';

export interface Purpose {
  readonly id: PurposeId;
  readonly description: Bilingual;
  /** The entry gives one legal basis for the whole processing. */
  readonly legalBasis: Bilingual;
  /** The words of the entry this purpose rests on. */
  readonly entryWording: string;
}

export interface DataSubject {
  readonly id: DataSubjectId;
  readonly label: Bilingual;
}

export interface Recipient {
  readonly id: RecipientId;
  readonly label: Bilingual;
}

export interface PersonalDataCategory {
  readonly id: CategoryId;
  readonly label: Bilingual;
  /** Verbatim Dutch words of the entry this category rests on. */
  readonly entryWording: string;
  /** Index into `entryBlocks` (the "Betrokkene(n) …" block of the entry it belongs to). */
  readonly entryBlock: number;
  readonly dataSubjects: readonly DataSubjectId[];
  readonly purpose: PurposeId;
  /** When the category may be processed at all (data minimisation, from the entry). */
  readonly condition: Bilingual;
  readonly source: Bilingual;
  readonly obligation: { readonly required: boolean; readonly text: Bilingual };
  readonly retention: Retention;
  readonly retentionText: Bilingual;
  readonly enforcedBy: readonly Enforcement[];
  readonly recipients: readonly RecipientId[];
  readonly automatedDecisionMaking: false;
  readonly transferOutsideEu: false;
}

/** One "Betrokkene(n) / Persoonsgegevens / … / Aanleverplicht" block of the entry, verbatim. */
export interface EntryBlock {
  readonly dataSubjects: Bilingual;
  readonly personalData: Bilingual;
  readonly purpose: Bilingual;
  readonly retention: Bilingual;
  readonly source: Bilingual;
  readonly obligation: Bilingual;
}

export interface Address {
  /** As printed in the entry. */
  readonly text: Bilingual;
  readonly street: string;
  readonly number: string;
  readonly postcode: string;
  readonly city: string;
  readonly country: Bilingual;
}

/** Retention terms for technical, non-personal or short-lived data the pipeline keeps. */
export interface TechnicalTerm {
  readonly id: TechnicalTermId;
  readonly description: Bilingual;
  readonly retention: IsoDuration;
  /** Why this term and not another (the number's source). */
  readonly why: string;
}

export interface ProcessingRegister {
  readonly reference: string;
  readonly title: Bilingual;
  readonly organisation: Bilingual;
  /** The "Doel van de verwerking" paragraph and the legal-basis paragraph, verbatim. */
  readonly purposeText: Bilingual;
  readonly legalBasisText: Bilingual;
  readonly purposes: readonly Purpose[];
  readonly dataSubjects: readonly DataSubject[];
  readonly entryBlocks: readonly EntryBlock[];
  readonly categories: readonly PersonalDataCategory[];
  readonly automatedDecisionMaking: { readonly present: false; readonly text: Bilingual };
  readonly recipients: { readonly text: Bilingual; readonly parties: readonly Recipient[] };
  readonly transferOutsideEu: { readonly present: false; readonly text: Bilingual };
  readonly controller: { readonly name: Bilingual; readonly visitingAddress: Address; readonly postalAddress: Address };
  readonly relatedProcessing: { readonly references: readonly string[]; readonly text: Bilingual };
  readonly technicalTerms: readonly TechnicalTerm[];
}

/**
 * Default upper bound for keeping an ID copy while identity is being established.
 * The entry says "zo kort mogelijk, wordt verwijderd na vaststelling identiteit" and gives
 * no number; 30 days is our choice: long enough for a citizen to answer one follow-up
 * letter (post both ways plus a reply period), short enough that a copy nobody acts on does
 * not linger. Configurable through `createRegister({ idCopyUpperBound })`.
 */
export const DEFAULT_ID_COPY_UPPER_BOUND: IsoDuration = 'P30D';

/** The entry's general term: "Algemeen op (18 maanden)". */
export const GENERAL_RETENTION: IsoDuration = 'P18M';

const LEGAL_BASIS: Bilingual = {
  nl: 'Taak van algemeen belang / wettelijke taak',
  en: 'Task carried out in the public interest / statutory task',
};

const SUPPORT_PURPOSE_TEXT: Bilingual = {
  nl: 'Het bieden van ondersteuning aan burgers. Het betreft hier het verwerken van persoonsgegevens van burgers die vragen hebben over het gebruik van de Logius voorzieningen.',
  en: 'Providing support to citizens. This concerns the processing of personal data of citizens who have questions about the use of the Logius facilities.',
};

const CITIZENS: Bilingual = { nl: 'burgers / gebruikers van Logius producten', en: 'citizens / users of Logius products' };

const OBLIGED_BLOCK1: Bilingual = {
  nl: 'Betrokkenen waren verplicht deze gegevens aan te leveren. Gevolgen bij het niet aanleveren: Afhankelijk van de vraag: Indien de betrokkene de benodigde gegevens niet aanlevert, kan hij niet geholpen worden.',
  en: 'Data subjects were obliged to provide these data. Consequences of not providing them: depending on the question: if the data subject does not provide the data needed, he or she cannot be helped.',
};

const RETENTION_BLOCK1: Bilingual = {
  nl: 'De persoonsgegevens worden na vastgestelde bewaartermijn verwijderd. Algemeen op (18 maanden)',
  en: 'The personal data are deleted after the set retention period. In general (18 months)',
};

const ALL_RECIPIENTS: readonly RecipientId[] = ['first_line', 'second_line'];

/** The entry's three "Betrokkenen en gegevens" blocks, verbatim in Dutch. */
const ENTRY_BLOCKS: readonly EntryBlock[] = [
  {
    dataSubjects: CITIZENS,
    personalData: {
      nl: 'Afhankelijk van verwerker: NAW, e-mailadres, telefoonnummer, BSN. Deze gegevens worden enkel verwerkt indien noodzakelijk voor beantwoording van de burgermelding. BSN alleen indien noodzakelijk voor doorzetting naar tweedelijns burgerondersteuning bij Logius. afhankelijk van burger zal het delen van persoonsgegevens wisselen klanttevredenheidonderzoek; emailadres (verzoek gebeurt via verstrekte email) met toestemming NAW gegevens',
      en: 'Depending on the processor: name and address (NAW), e-mail address, telephone number, BSN. These data are processed only when necessary to answer the citizen\'s report. BSN only when necessary to pass the case to second-line citizen support at Logius. Depending on the citizen, the personal data shared will vary. Customer-satisfaction survey: e-mail address (the request is sent to the e-mail address provided), with consent; name and address data',
    },
    purpose: SUPPORT_PURPOSE_TEXT,
    retention: RETENTION_BLOCK1,
    source: { nl: 'Betrokkene', en: 'Data subject' },
    obligation: OBLIGED_BLOCK1,
  },
  {
    dataSubjects: CITIZENS,
    personalData: { nl: 'kopie id, paspoort, handtekening', en: 'copy of ID card, passport, signature' },
    purpose: { nl: 'verificatie van identiteit', en: 'verification of identity' },
    retention: {
      nl: 'zo kort mogelijk, wordt verwijderd na vaststelling identiteit',
      en: 'as short as possible; deleted once identity has been established',
    },
    source: { nl: 'betrokkene via email, brief,', en: 'data subject, by e-mail or letter' },
    obligation: {
      nl: 'Betrokkenen waren verplicht deze gegevens aan te leveren. Gevolgen bij het niet aanleveren: ja, indien geen hulp voor vraagstelling',
      en: 'Data subjects were obliged to provide these data. Consequences of not providing them: yes, no help with the question asked',
    },
  },
  {
    dataSubjects: { nl: 'Medewerkers van Logius (kcc)', en: 'Logius staff (KCC)' },
    personalData: { nl: 'mbt Klanttevredenheid meting', en: 'relating to the customer-satisfaction measurement' },
    purpose: { nl: 'verbetering van dienstverlening', en: 'improving the service' },
    retention: { nl: 'is in het algemeen (18 maanden)', en: 'in general (18 months)' },
    source: { nl: 'klanttevredenheid monitoring', en: 'customer-satisfaction monitoring' },
    obligation: {
      nl: 'Betrokkenen waren niet verplicht deze gegevens aan te leveren.',
      en: 'Data subjects were not obliged to provide these data.',
    },
  },
];

const ONLY_IF_NEEDED: Bilingual = {
  nl: 'Enkel indien noodzakelijk voor beantwoording van de burgermelding.',
  en: 'Only when necessary to answer the citizen\'s report.',
};

function categories(idCopyUpperBound: IsoDuration): PersonalDataCategory[] {
  const common = { automatedDecisionMaking: false, transferOutsideEu: false } as const;
  return [
    {
      ...common,
      id: 'contact',
      label: { nl: 'Contactgegevens (NAW, e-mailadres, telefoonnummer)', en: 'Contact details (name and address, e-mail address, telephone number)' },
      entryWording: 'NAW, e-mailadres, telefoonnummer',
      entryBlock: 0,
      dataSubjects: ['citizens'],
      purpose: 'citizen_support',
      condition: ONLY_IF_NEEDED,
      source: ENTRY_BLOCKS[0]!.source,
      obligation: { required: true, text: OBLIGED_BLOCK1 },
      retention: GENERAL_RETENTION,
      retentionText: RETENTION_BLOCK1,
      enforcedBy: ['ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
    {
      ...common,
      id: 'bsn',
      label: { nl: 'Burgerservicenummer (BSN)', en: 'Citizen service number (BSN)' },
      entryWording: 'BSN alleen indien noodzakelijk voor doorzetting naar tweedelijns burgerondersteuning bij Logius',
      entryBlock: 0,
      dataSubjects: ['citizens'],
      purpose: 'citizen_support',
      condition: {
        nl: 'Alleen indien noodzakelijk voor doorzetting naar tweedelijns burgerondersteuning bij Logius.',
        en: 'Only when necessary to pass the case to second-line citizen support at Logius.',
      },
      source: ENTRY_BLOCKS[0]!.source,
      obligation: { required: true, text: OBLIGED_BLOCK1 },
      retention: GENERAL_RETENTION,
      retentionText: RETENTION_BLOCK1,
      enforcedBy: ['ttl:expiresAt'],
      // Our reading of "BSN alleen … voor doorzetting naar tweedelijns": the BSN is passed
      // on to second-line support only, never to other first-line parties.
      recipients: ['second_line'],
    },
    {
      ...common,
      // Operational category: the question itself. Not listed word for word in the entry,
      // but it is the object of the processing it describes ("burgers die vragen hebben
      // over het gebruik van de Logius voorzieningen"; "beantwoording van de
      // burgermelding"), so it shares that block's purpose and term.
      id: 'message_content',
      label: {
        nl: 'Inhoud van de burgermelding (vraag, onderwerp, bijlagen, brieftekst)',
        en: 'Content of the citizen\'s report (question, subject, attachments, letter text)',
      },
      entryWording: 'beantwoording van de burgermelding',
      entryBlock: 0,
      dataSubjects: ['citizens'],
      purpose: 'citizen_support',
      condition: ONLY_IF_NEEDED,
      source: ENTRY_BLOCKS[0]!.source,
      obligation: { required: true, text: OBLIGED_BLOCK1 },
      retention: GENERAL_RETENTION,
      retentionText: RETENTION_BLOCK1,
      enforcedBy: ['ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
    {
      ...common,
      // Operational category: the data about handling a citizen's case (channel, dates,
      // product/topic label, routing, status). Linked to a person through the case, so
      // personal data, under the same purpose and term as the report itself. The topic
      // label only routes the case; it is not a decision about the person.
      id: 'case_metadata',
      label: {
        nl: 'Behandelgegevens van de melding (kanaal, data, onderwerp, routering, status)',
        en: 'Case-handling data (channel, dates, topic, routing, status)',
      },
      entryWording: 'Het bieden van ondersteuning aan burgers',
      entryBlock: 0,
      dataSubjects: ['citizens'],
      purpose: 'citizen_support',
      condition: ONLY_IF_NEEDED,
      source: ENTRY_BLOCKS[0]!.source,
      obligation: { required: true, text: OBLIGED_BLOCK1 },
      retention: GENERAL_RETENTION,
      retentionText: RETENTION_BLOCK1,
      enforcedBy: ['ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
    {
      ...common,
      id: 'id_copy',
      label: { nl: 'Kopie identiteitsbewijs / paspoort, handtekening', en: 'Copy of ID card / passport, signature' },
      entryWording: 'kopie id, paspoort, handtekening',
      entryBlock: 1,
      dataSubjects: ['citizens'],
      purpose: 'identity_verification',
      condition: {
        nl: 'Alleen voor verificatie van identiteit.',
        en: 'Only to verify identity.',
      },
      source: ENTRY_BLOCKS[1]!.source,
      obligation: { required: true, text: ENTRY_BLOCKS[1]!.obligation },
      retention: { until: 'identity_established', upperBound: idCopyUpperBound },
      retentionText: ENTRY_BLOCKS[1]!.retention,
      // Both: the verification step deletes on the event; expiresAt (set to the upper
      // bound) deletes it when the event never comes.
      enforcedBy: ['verification', 'ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
    {
      ...common,
      id: 'survey_email',
      label: {
        nl: 'E-mailadres voor klanttevredenheidonderzoek (met toestemming)',
        en: 'E-mail address for the customer-satisfaction survey (with consent)',
      },
      entryWording: 'klanttevredenheidonderzoek; emailadres (verzoek gebeurt via verstrekte email) met toestemming',
      entryBlock: 0,
      dataSubjects: ['citizens'],
      purpose: 'satisfaction_survey',
      condition: {
        nl: 'Alleen met toestemming van de burger; het verzoek gaat naar het door de burger verstrekte e-mailadres.',
        en: 'Only with the citizen\'s consent; the request goes to the e-mail address the citizen gave.',
      },
      source: ENTRY_BLOCKS[0]!.source,
      // Our reading: the block's obligation text concerns answering the question; taking
      // part in the survey rests on consent ("met toestemming"), so it is not obligatory.
      obligation: {
        required: false,
        text: {
          nl: 'Niet verplicht: deelname aan het klanttevredenheidonderzoek gebeurt met toestemming.',
          en: 'Not obligatory: taking part in the customer-satisfaction survey is by consent.',
        },
      },
      retention: GENERAL_RETENTION,
      retentionText: RETENTION_BLOCK1,
      enforcedBy: ['ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
    {
      ...common,
      id: 'staff_satisfaction',
      label: {
        nl: 'Gegevens van KCC-medewerkers mbt klanttevredenheidmeting',
        en: 'Data about KCC staff relating to the customer-satisfaction measurement',
      },
      entryWording: 'mbt Klanttevredenheid meting',
      entryBlock: 2,
      dataSubjects: ['kcc_staff'],
      purpose: 'service_improvement',
      condition: {
        nl: 'Alleen voor verbetering van dienstverlening.',
        en: 'Only to improve the service.',
      },
      source: ENTRY_BLOCKS[2]!.source,
      obligation: { required: false, text: ENTRY_BLOCKS[2]!.obligation },
      retention: GENERAL_RETENTION,
      retentionText: ENTRY_BLOCKS[2]!.retention,
      enforcedBy: ['ttl:expiresAt'],
      recipients: ALL_RECIPIENTS,
    },
  ];
}

const TECHNICAL_TERMS: readonly TechnicalTerm[] = [
  {
    id: 'claim_check_blob',
    description: {
      nl: 'Claim-check-blobs: ruwe berichten en bijlagen die tussen stappen van de pipeline worden doorgegeven',
      en: 'Claim-check blobs: raw messages and attachments handed between pipeline stages',
    },
    retention: 'P3D',
    why: 'Only needed while a message travels through the pipeline; equal to the Kafka topic term so a blob never outlives the last message that refers to it, and a weekend outage can still be replayed.',
  },
  {
    id: 'kafka_topic',
    description: {
      nl: 'Kafka-topics (maximale retentie), inclusief het dead-letter-topic',
      en: 'Kafka topics (maximum retention), including the dead-letter topic',
    },
    retention: 'P3D',
    why: 'Long enough to replay after an outage over a weekend; short enough that messages, which may carry personal data, do not become a second store beside the case database.',
  },
  {
    id: 'imap_processed',
    description: {
      nl: 'Ruwe e-mail in de map "verwerkt" van de intake-mailbox (de kopie die de ingestor na publicatie bewaart)',
      en: 'Raw e-mail in the intake mailbox\'s processed folder (the copy the ingestor keeps after publishing)',
    },
    retention: 'P3D',
    why: 'A replay copy for as long as a message can still be on its way through the pipeline, equal to the Kafka topic term; without a term the folder would keep every raw e-mail, ID copies and BSNs included, beside the cases.',
  },
  {
    id: 'refusal_reply',
    description: {
      nl: 'Antwoordadres en Message-ID van een geweigerd bericht (te groot, niet leesbaar), alleen om de afzender één automatisch antwoord te sturen; verwijderd zodra dat verstuurd is',
      en: 'Reply address and Message-ID of a refused message (too large, unreadable), only to send the sender one automatic reply; removed as soon as it is sent',
    },
    retention: 'P3D',
    why: 'Contact details only when needed to answer: the address is removed the moment the reply is sent (normally seconds); the term only bounds an SMTP outage, equal to the Kafka and claim-check terms (a weekend).',
  },
  {
    id: 'refusal_sender_day',
    description: {
      nl: 'Sleutel-hash (HMAC) van een afzender die vandaag een weigeringsantwoord kreeg, zodat hij er hoogstens één per dag krijgt; geen adres',
      en: 'Keyed hash (HMAC) of a sender who got a refusal reply today, so nobody gets more than one a day; no address',
    },
    retention: 'P2D',
    why: 'The rule is one reply per sender per calendar day (UTC); a marker for a day must outlive that day, and one more day covers a refusal received just before midnight and sent after it.',
  },
  {
    id: 'dead_letter_record',
    description: {
      nl: 'Dead-letterregistratie voor beheerders (code, reden, tijd, bronverwijzing, SHA-256, claim-check-locatie; geen inhoud, geen adressen)',
      en: 'Dead-letter record for operators (code, reason, time, source reference, SHA-256, claim-check location; no content, no addresses)',
    },
    retention: 'P30D',
    why: 'The dead-letter topic keeps records 3 days, too short for a person to notice over a holiday; 30 days covers a month of absence. The record holds no personal data; the raw bytes it points to go on their own, shorter terms (claim_check_blob, imap_processed).',
  },
  {
    id: 'audit_log',
    description: {
      nl: 'Auditlog van verwerkingen en verwijderingen (alleen zaak-id\'s, categorieën, aantallen en tijden; geen persoonsgegevens)',
      en: 'Audit log of processing and deletions (case ids, categories, counts and times only; no personal data)',
    },
    // P24M = P18M + P6M. An audit entry is written when a case is created and must still
    // exist when that case is deleted at the end of the longest personal-data term (P18M),
    // or deletions could not be proven for the full life of the data they concern. The P6M
    // margin covers a data-subject request that arrives just before deletion (answer within
    // one month, extendable by two: AVG art. 12(3)) plus a following complaint, and the
    // sweeper's own lag. The audit log holds no personal data, only case ids, so keeping it
    // longer than the data does not extend the personal-data term.
    retention: 'P24M',
    why: 'P18M (longest personal-data term, so every record\'s deletion stays provable) + P6M (data-subject request of up to 3 months, AVG art. 12(3), plus a complaint and sweeper lag).',
  },
  {
    id: 'read_log',
    description: {
      nl: 'Logboek dataverwerkingen van inzage: wie (account-id en rol) wanneer welke zaak inzag, met welk doel (standaard Logboek dataverwerkingen van Logius; geen persoonsgegevens van de burger)',
      en: 'Processing log of reads: who (account id and role) looked at which case when, for which purpose (Logius standard "Logboek dataverwerkingen"; no personal data of the citizen)',
    },
    // As the audit log: a citizen may ask who looked at their case for as long as the case
    // can exist (P18M after its last activity) and the answer time of that request after it.
    retention: 'P24M',
    why: 'P18M (a case and so its reads can be asked about until it is deleted) + P6M (a data-subject request of up to 3 months, AVG art. 12(3), and a complaint); entries name cases by id and staff by account, no citizen data.',
  },
];

function address(street: string, number: string, postcode: string, city: string, nl: string, en: string): Address {
  return {
    text: { nl, en },
    street,
    number,
    postcode,
    city,
    country: { nl: 'NEDERLAND', en: 'THE NETHERLANDS' },
  };
}

/** Deep-freeze plain data so no caller can edit the register at run time. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

export interface RegisterOptions {
  /** Upper bound on keeping an ID copy while identity is being established. Default P30D. */
  idCopyUpperBound?: IsoDuration;
}

/**
 * Build the register, with the configurable ID-copy upper bound. The result is deep-frozen.
 * A bad bound (unparseable, zero, or longer than the general 18-month term, which would
 * contradict "zo kort mogelijk") is a ConfigError.
 */
export function createRegister(options: RegisterOptions = {}): ProcessingRegister {
  const idCopyUpperBound = options.idCopyUpperBound ?? DEFAULT_ID_COPY_UPPER_BOUND;
  const bound = parseIsoDuration(idCopyUpperBound);
  const ref = new Date(Date.UTC(2001, 0, 1));
  if (addDuration(ref, bound).getTime() <= ref.getTime()) {
    throw new ConfigError('REGISTER_BAD_UPPER_BOUND', 'The ID-copy upper bound must be longer than zero.');
  }
  if (addDuration(ref, bound).getTime() > addDuration(ref, GENERAL_RETENTION).getTime()) {
    throw new ConfigError('REGISTER_BAD_UPPER_BOUND', `The ID-copy upper bound must not exceed the general term ${GENERAL_RETENTION}.`);
  }
  const register: ProcessingRegister = {
    reference: 'M1533',
    title: { nl: 'Burgerondersteuning KCC', en: 'Citizen support KCC (contact centre)' },
    organisation: {
      nl: 'Ministerie van Binnenlandse Zaken en Koninkrijksrelaties SG/Logius',
      en: 'Ministry of the Interior and Kingdom Relations SG/Logius',
    },
    purposeText: SUPPORT_PURPOSE_TEXT,
    legalBasisText: {
      nl: 'Taak van algemeen belang. De verwerking is een wettelijke taak van Logius.',
      en: 'Task carried out in the public interest. The processing is a statutory task of Logius.',
    },
    purposes: [
      {
        id: 'citizen_support',
        description: SUPPORT_PURPOSE_TEXT,
        legalBasis: LEGAL_BASIS,
        entryWording: 'Het bieden van ondersteuning aan burgers.',
      },
      {
        id: 'identity_verification',
        description: { nl: 'Verificatie van identiteit', en: 'Verification of identity' },
        legalBasis: LEGAL_BASIS,
        entryWording: 'verificatie van identiteit',
      },
      {
        id: 'satisfaction_survey',
        description: {
          nl: 'Klanttevredenheidonderzoek onder burgers (met toestemming)',
          en: 'Customer-satisfaction survey among citizens (with consent)',
        },
        legalBasis: LEGAL_BASIS,
        entryWording: 'klanttevredenheidonderzoek; emailadres (verzoek gebeurt via verstrekte email) met toestemming',
      },
      {
        id: 'service_improvement',
        description: { nl: 'Verbetering van dienstverlening', en: 'Improving the service' },
        legalBasis: LEGAL_BASIS,
        entryWording: 'verbetering van dienstverlening',
      },
    ],
    dataSubjects: [
      { id: 'citizens', label: CITIZENS },
      { id: 'kcc_staff', label: ENTRY_BLOCKS[2]!.dataSubjects },
    ],
    entryBlocks: ENTRY_BLOCKS,
    categories: categories(idCopyUpperBound),
    automatedDecisionMaking: {
      present: false,
      text: {
        nl: 'Er is geen sprake van besluitvorming over persoonsgegevens op basis van automatisch verwerkte gegevens.',
        en: 'There is no decision-making about personal data based on automatically processed data.',
      },
    },
    recipients: {
      text: {
        nl: 'Deel van de gegevens worden verstrekt aan de verwerkers die verantwoordelijk zijn voor de dienstverlening voor eerstelijns of tweedelijns burgerondersteuning en bijbehorende processen.',
        en: 'Part of the data is provided to the processors responsible for first-line or second-line citizen support and the related processes.',
      },
      parties: [
        {
          id: 'first_line',
          label: { nl: 'Verwerker eerstelijns burgerondersteuning', en: 'Processor for first-line citizen support' },
        },
        {
          id: 'second_line',
          label: { nl: 'Tweedelijns burgerondersteuning bij Logius', en: 'Second-line citizen support at Logius' },
        },
      ],
    },
    transferOutsideEu: {
      present: false,
      text: {
        nl: 'Er is geen sprake van doorgifte van persoonsgegevens aan één of meer landen buiten de Europese Unie of aan een internationale organisatie.',
        en: 'Personal data are not transferred to any country outside the European Union or to an international organisation.',
      },
    },
    controller: {
      name: { nl: 'Directeur Logius', en: 'Director of Logius' },
      visitingAddress: address(
        'Turfmarkt', '147', '2511DP', 'Den Haag',
        'Turfmarkt 147 2511DP Den Haag NEDERLAND',
        'Turfmarkt 147, 2511 DP The Hague, THE NETHERLANDS',
      ),
      postalAddress: address(
        'Postbus', '20011', '2500 EA', 'Den Haag',
        'Postbus 20011 2500 EA Den Haag NEDERLAND',
        'PO Box 20011, 2500 EA The Hague, THE NETHERLANDS',
      ),
    },
    relatedProcessing: {
      references: [],
      text: {
        nl: 'Deze verwerking bevat geen gerelateerde verwerkingen',
        en: 'This processing has no related processing activities',
      },
    },
    technicalTerms: TECHNICAL_TERMS,
  };
  return deepFreeze(structuredClone(register));
}

export function isCategoryId(value: unknown): value is CategoryId {
  return typeof value === 'string' && (CATEGORY_IDS as readonly string[]).includes(value);
}

export function categoryFor(categoryId: string, register: ProcessingRegister = REGISTER): PersonalDataCategory {
  const category = register.categories.find((c) => c.id === categoryId);
  if (!category) {
    throw new ConfigError('REGISTER_UNKNOWN_CATEGORY', `No personal-data category with this id in register ${register.reference}.`);
  }
  return category;
}

/** The retention of a personal-data category, as declared in the register. */
export function retentionFor(categoryId: CategoryId | string, register: ProcessingRegister = REGISTER): Retention {
  return categoryFor(categoryId, register).retention;
}

/** The longest a category may be kept: the duration itself, or the upper bound of an `until` term. */
export function maxRetentionFor(categoryId: CategoryId | string, register: ProcessingRegister = REGISTER): IsoDuration {
  const retention = retentionFor(categoryId, register);
  return typeof retention === 'string' ? retention : retention.upperBound;
}

/** The retention of a technical (non-personal or short-lived) data kind. */
export function technicalRetentionFor(termId: TechnicalTermId | string, register: ProcessingRegister = REGISTER): IsoDuration {
  const term = register.technicalTerms.find((t) => t.id === termId);
  if (!term) throw new ConfigError('REGISTER_UNKNOWN_TERM', `No technical retention term with this id in register ${register.reference}.`);
  return term.retention;
}

/**
 * The `expiresAt` for a document holding the given categories, received at `receivedAt`:
 * the earliest end of their terms, so the shortest-lived category decides.
 */
export function expiresAtFor(categoryIds: readonly (CategoryId | string)[], receivedAt: Date, register: ProcessingRegister = REGISTER): Date {
  if (categoryIds.length === 0) throw new RangeError('expiresAtFor needs at least one category');
  let earliest: Date | undefined;
  for (const id of categoryIds) {
    const end = addDuration(receivedAt, maxRetentionFor(id, register));
    if (!earliest || end.getTime() < earliest.getTime()) earliest = end;
  }
  return earliest!;
}

export interface ParsedDuration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

// Integer components only, at most 6 digits each: retention terms are whole units and a
// bounded pattern keeps the regex linear and the arithmetic far from overflow.
const ISO_DURATION = /^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;

/**
 * Parse an ISO 8601 duration (`P18M`, `P3D`, `P1Y2M10DT2H30M`). Fractions, negative
 * durations and the empty `P`/`PT` are refused: a ConfigError, because durations come from
 * the register or configuration.
 */
export function parseIsoDuration(value: string): ParsedDuration {
  const m = typeof value === 'string' ? ISO_DURATION.exec(value) : null;
  if (!m || value === 'P' || value.endsWith('T')) {
    throw new ConfigError('REGISTER_BAD_DURATION', 'Not an ISO 8601 duration of whole units (e.g. P18M, P30D, PT1H).');
  }
  const n = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  return Object.freeze({ years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) });
}

/**
 * Add an ISO 8601 duration to a date, calendar-correct, in UTC: years and months first,
 * clamping the day to the end of a shorter month (31 Aug + P6M → 28/29 Feb, never 3 Mar,
 * so a term never runs longer than it says), then weeks and days, then the time part.
 * UTC rather than Europe/Amsterdam: the difference is at most the UTC offset (1–2 h), and
 * UTC keeps the result independent of the server's time zone.
 */
export function addDuration(date: Date, duration: IsoDuration | ParsedDuration): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('addDuration needs a valid Date');
  const d = typeof duration === 'string' ? parseIsoDuration(duration) : duration;
  const monthIndex = date.getUTCMonth() + d.years * 12 + d.months;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(2000, 0, 1));
  lastDay.setUTCFullYear(year, month + 1, 0);
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay.getUTCDate()));
  result.setUTCDate(result.getUTCDate() + d.weeks * 7 + d.days);
  return new Date(result.getTime() + ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000);
}

/**
 * A duration as a fixed number of milliseconds, for settings that take one (Kafka
 * `retention.ms`, timers). Years and months have no fixed length, so they are refused.
 */
export function durationToMilliseconds(duration: IsoDuration): number {
  const d = parseIsoDuration(duration);
  if (d.years !== 0 || d.months !== 0) {
    throw new ConfigError('REGISTER_CALENDAR_DURATION', 'A duration with years or months has no fixed length in milliseconds; use addDuration.');
  }
  return ((((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60 + d.seconds) * 1000;
}

/** The canonical text of a retention, for comparing terms (e.g. `P18M`, `until:identity_established/P30D`). */
export function retentionKey(retention: Retention): string {
  return typeof retention === 'string' ? retention : `until:${retention.until}/${retention.upperBound}`;
}

/**
 * The collections that hold a purpose's data where the case store does not (the cases hold
 * citizen_support's). Ours, not the entry's: the survey's stores under the survey purpose
 * (consent, invitations, bounced addresses: P18M as `survey_email`) and its answers under
 * the staff block's purpose (P18M as `staff_satisfaction`). The retention term of each
 * follows from its category (processors/retention COLLECTION_TERMS).
 */
export const PURPOSE_COLLECTIONS: Readonly<Partial<Record<PurposeId, readonly string[]>>> = Object.freeze({
  satisfaction_survey: Object.freeze(['survey_consents', 'survey_invitations', 'survey_bounces']),
  service_improvement: Object.freeze(['survey_answers']),
});

// Built last: createRegister() uses the duration helpers above, whose constants must exist.
/** The register with default settings. Deep-frozen. */
export const REGISTER: ProcessingRegister = createRegister();

export const CATEGORY_IDS: readonly CategoryId[] = Object.freeze(REGISTER.categories.map((c) => c.id));
