/**
 * The routing rules: per topic, weighted keyword and phrase patterns in Dutch and English.
 *
 * Patterns run on folded text (lower case, diacritics removed), with word boundaries.
 * Each rule counts once per field; a match in the subject counts double (see index.ts).
 * Weights are small integers so that a reason list can be read and checked by hand:
 *   5 = names the product ('eHerkenning', 'Digipoort'), 3-4 = a phrase that decides the
 *   topic ('activeringscode', 'wachtwoord vergeten'), 1-2 = supporting context.
 * Every `.{0,n}` is bounded so matching stays linear.
 */
export const TOPICS = [
  'digid_aanvragen',
  'digid_activeren',
  'digid_app',
  'digid_wachtwoord',
  'digid_machtigen',
  'mijnoverheid_berichtenbox',
  'mijnoverheid_overig',
  'eherkenning',
  'pkioverheid',
  'digipoort',
  'privacy_verzoek',
  'klacht',
  'overig',
] as const;

export type Topic = (typeof TOPICS)[number];

export interface Rule {
  /** Short stable name, reported as 'kw:<id>' when it matches. */
  id: string;
  pattern: RegExp;
  weight: number;
}

const r = (id: string, pattern: RegExp, weight: number): Rule => ({ id, pattern, weight });

export const RULES: Record<Topic, Rule[]> = {
  digid_aanvragen: [
    r('digid-aanvragen', /\bdigi ?d\b.{0,40}\baan(?:te)?vra(?:ag|gen)\b|\baan(?:te)?vra(?:ag|gen)\b.{0,40}\bdigi ?d\b|\bdigid[- ]?aanvraag\b/, 3),
    r('apply-digid', /\bapply(?:ing)? for (?:a )?digid\b|\bapply for (?:it|one)\b|\bdigid application\b|\b(?:get|obtain|request) a digid\b|\bhow do i get a digid\b/, 3),
    r('al-een-digid', /\bal een digid\b|\balready have (?:a digid|one)\b/, 2),
    r('geen-digid', /\bgeen digid\b|\bnooit een digid\b|\bnieuwe digid\b|\bdigid nodig\b|\bneeds? a digid\b|\bwithout a digid\b/, 2),
    r('buitenland', /\bbuitenland\b|\babroad\b|\bambassade\b|\bembassy\b|\bconsula(?:te|at)\b|\bbalie\b|\bdesk at\b/, 1),
    r('minderjarig', /\bminderjarig\w*|\bminor\b|\b1[2-7] (?:jaar|years old)\b|\bzij is 1[2-7]\b|\bals ouder\b|\b(?:voor|for) (?:mijn|ons|my|our) (?:dochter|zoon|kind|daughter|son|child)\b/, 1),
    r('digid-opheffen', /\bdigid\b.{0,40}\b(?:opheffen|stopzetten|cancel\w*|close)\b/, 3),
    r('geen-computer', /\bgeen computer\b|\bformulier\b|\bper post\b/, 1),
  ],
  digid_activeren: [
    r('activeringscode', /\bactiverings?(?:code|brief|mail|link)\w*|\bactivatie ?(?:code|brief)\w*|\bactivation (?:code|letter)\w*/, 4),
    r('activeren', /\bactiver\w*|\bactivat\w*/, 1),
    r('sms-code', /\bsms[- ]?code\b|\bgeen sms\b|\bsms\b.{0,40}\b(?:ontvang\w*|binnen|receiv\w*|arriv\w*)/, 2),
    r('code-verlopen', /\bcode\b.{0,40}\b(?:verlopen|expired|ongeldig|invalid|onjuist|niet geaccepteerd|werkt niet)\b/, 2),
    r('brief-niet-ontvangen', /\bbrief\b.{0,40}\b(?:niet ontvangen|nooit|kwijt|weggegooid|niet bezorgd|nog steeds niet)\b|\bletter\b.{0,30}\b(?:never|not) (?:arrived|received)\b/, 1),
  ],
  digid_app: [
    r('digid-app', /\bdigid[- ]?app\b|\bapp\b.{0,20}\bdigid\b/, 3),
    r('id-check', /\bid[- ]?check\b|\bnfc\b|\bmrz\b|\bchip\b/, 3),
    r('zonder-smartphone', /\b(?:zonder|geen) (?:een )?smartphone\b|\bwithout (?:a )?smartphone\b|\bno smartphone\b/, 3),
    r('telefoon-kwijt', /\b(?:telefoon|mobiel|phone)\b.{0,20}\b(?:kwijt|gestolen|verloren|stolen|lost)\b|\b(?:lost|stolen|new|nieuwe) (?:phone|telefoon|iphone|smartphone)\b/, 2),
    r('app', /\bapp\b|\bde app\b|\bthe app\b/, 1),
    r('crash-update', /\bcrash\w*|\bupdate\b|\bgeinstalleerd\b|\binstall\w*|\boverzetten\b/, 1),
    r('identiteitsbewijs', /\bpaspoort\b|\bpassport\b|\bid[- ]?kaart\b|\bidentiteitskaart\b|\bid card\b|\bidentity document\b|\brijbewijs\b/, 1),
  ],
  digid_wachtwoord: [
    r('wachtwoord', /\bwachtwoor[dt]\w*|\bpassword\w*/, 3),
    r('gebruikersnaam', /\bgebruikers ?naam\b|\buser ?name\b/, 3),
    r('geblokkeerd', /\bgeblokkeerd\b|\bblokkade\b|\bdeblokker\w*|\baccount (?:is )?(?:blocked|locked)\b/, 2),
    r('herstelcode', /\bherstel ?code\b|\brecovery code\b/, 3),
    r('vergeten', /\bvergeten\b|\bforgot(?:ten)?\b|\bkwijt\b/, 1),
    r('inloggen', /\binlog\w*|\blog ?in\b|\blogin\b/, 1),
  ],
  digid_machtigen: [
    r('machtigen', /\bmachtig\w*|\bgemachtigd\w*|\bauthori[sz]\w*/, 3),
    r('machtigingscode', /\bmachtigingscode\w*|\bauthori[sz]ation code\b|\bdigid machtigen\b/, 3),
    r('intrekken', /\bintrekken\b|\bingetrokken\b|\bwithdraw\w*|\brevoke\w*/, 2),
    r('namens', /\bnamens (?:mij|hem|haar|ons)\b|\bon (?:my|his|her) behalf\b/, 1),
    r('adviseur', /\bbelastingadviseur\b|\baccountant\b|\bboekhouder\b|\bmentor\b|\bbewindvoerder\b|\bcurator\b/, 1),
    r('namens-toegang', /\bnamens (?:hem|haar|mijn \w+)\b.{0,60}\btoegang\b|\btoegang\b.{0,60}\bnamens\b|\baccess\b.{0,40}\bon (?:his|her|their) behalf\b/, 3),
  ],
  mijnoverheid_berichtenbox: [
    r('berichtenbox', /\bberichten ?box\w*|\bmessage ?box\b/, 4),
    r('bericht', /\bbericht(?:en)?\b|\bmessages?\b/, 1),
    r('melding', /\bmeldingen\b|\bnotificat\w*|\bpush ?melding\w*|\bmeldingsmail\b/, 1),
    r('papier', /\bop papier\b|\bpapieren post\b|\bpaper (?:mail|post)\b|\bper post ontvangen\b/, 2),
    r('verwijderd', /\bper ongeluk verwijderd\b|\bdeleted\b|\bprullenbak\b|\bherstellen\b|\brestored?\b/, 1),
    r('verdacht', /\bphishing\b|\bverdacht\w*|\bnep\b|\bis dit echt\b|\bsuspicious\b|\bscam\b|\bis this real\b/, 2),
  ],
  mijnoverheid_overig: [
    r('mijnoverheid', /\bmijn ?overheid\b/, 2),
    r('lopende-zaken', /\blopende zaken\b/, 4),
    r('persoonlijke-gegevens', /\bpersoonlijke gegevens\b|\bpersonal details\b|\bmijn gegevens\b/, 2),
    r('voertuig', /\bvoertuig\w*|\bvehicle\w*|\bkenteken\w*|\blicen[cs]e plate\b|\bbromfiets\b|\bmy car\b|\bmijn auto\b/, 2),
    r('account-opheffen', /(?<!digid[ -]?)\baccount\b.{0,40}\b(?:opheffen|verwijderen|sluiten|close|delete)\b|\b(?:opheffen|close|closing) (?:my |mijn )?(?:mijnoverheid )?account\b/, 3),
    r('verhuizing', /\bverhuiz\w*|\boude adres\b|\bbrp\b|\bgetrouwd\b|\bgescheiden\b|\bleaving the netherlands\b|\bderegister\w*/, 1),
  ],
  eherkenning: [
    r('eherkenning', /\be-?herkenning\w*/, 5),
    r('niveau', /\bbetrouwbaarheidsniveau\w*|\bniveau eh\d|\beh ?[1-4]\+?(?!\w)|\blevel of assurance\b|\beherkenning level\b/, 2),
    r('organisatie', /\bkvk\b|\bchamber of commerce\b|\bvereniging\w*|\bvve\b|\bstichting\b|\bzzp\w*|\beenmanszaak\b|\bgmbh\b|\bltd\b|\blimited company\b|\bonderneming\b|\bforeign company\b/, 1),
    r('factuur', /\bfactuur\w*|\binvoice\w*/, 1),
  ],
  pkioverheid: [
    r('pkioverheid', /\bpki ?overheid\b|\bpki\b/, 5),
    r('certificaat', /\bcertifica\w*/, 1),
    r('keten-root', /\bstaat der nederlanden\b|\broot ?ca\b|\broot\b|\bintermediate\b|\bcertificaatketen\b|\bketen\w*|\bchain\b|\btrust ?store\b|\bcacerts\b|\bpkix\b|\bissuer\b/, 2),
    r('beroepscertificaat', /\bberoepscertifica\w*|\bservercertifica\w*|\bsmartcard\b|\bprofessional certificate\b|\bclient certificates?\b/, 3),
  ],
  digipoort: [
    r('digipoort', /\bdigipoort\b/, 5),
    r('aanleveren', /\bsbr\b|\baanlever\w*|\bsubmission\w*|\bstatusinformatie\b|\botp\b|\bpreproductie\w*|\bloonaangifte\w*/, 2),
    r('storing', /\bstoring\w*|\boutage\b|\bplat\b|\btime ?outs?\b|\bhttp 5\d\d\b|\bstatus page\b/, 2),
    r('verbinding', /\btls\b|\bhandshake\b|\baansluit\w*|\baangesloten\b|\bconnection\b/, 1),
  ],
  privacy_verzoek: [
    r('avg', /\bavg\b|\bgdpr\b|\balgemene verordening gegevensbescherming\b|\bprivacywet\w*/, 3),
    r('inzage', /\binzage\w*|\bsubject access\b|\baccess request\b|\bright of access\b|\bcopy of all personal data\b/, 3),
    r('verwijderen', /\bverwijder\w*.{0,60}\b(?:gegevens|persoonsgegevens)\b|\b(?:gegevens|persoonsgegevens)\b.{0,40}\bverwijder\w*|\berasure\b|\bright to be forgotten\b|\bvergetelheid\b/, 3),
    r('persoonsgegevens', /\bpersoonsgegevens\b|\bpersonal data\b/, 2),
    r('gebruiksoverzicht', /\bgebruiksoverzicht\b|\binlogpogingen\b|\busage log\b|\blog of my\b|\blogboek\b|\bwie heeft\b.{0,30}\bingelogd\b/, 2),
    r('artikel', /\b(?:artikel|article|art\.) 1[5-7]\b/, 2),
    r('fg', /\bfunctionaris gegevensbescherming\b|\bdata protection officer\b/, 2),
  ],
  klacht: [
    r('klacht', /\bklacht\w*|\bcomplain\w*|\bcomplaint\w*/, 4),
    r('wachttijd', /\bwachttijd\w*|\bin de wacht\b|\bwaiting\b|\bverbinding (?:werd )?verbroken\b|\bdisconnected\b|\bopgehangen\b/, 2),
    r('medewerker', /\bonbeleefd\b|\bunfriendly\b|\brude\b|\bweggezet\b|\bonvriendelijk\b/, 2),
    r('toegankelijkheid', /\btoegankelijk\w*|\baccessib\w*|\bscreen ?reader\b|\bwcag\b/, 2),
    r('schadevergoeding', /\bschadevergoeding\b|\bcompensation\b|\bvergoeding\b|\breiskosten\b/, 2),
    r('ontevreden', /\bonacceptabel\b|\bunacceptable\b|\bschandalig\b|\bben het zat\b|\bpoor service\b|\bslechte service\b|\bniemand weet\b|\bontevreden\b|\bombudsman\b|\bnooit (?:een )?antwoord\b/, 2),
  ],
  overig: [
    r('rijbewijs', /\brijbewijs\b|\bdriving licen[cs]e\b|\bdriver'?s licen[cs]e\b/, 2),
    r('rijbewijs-verlengen', /\brijbewijs\b.{0,40}\b(?:verlengen|verloopt|verlopen|aanvragen|keuring)\b|\b(?:renew|expired?)\b.{0,30}\blicen[cs]e\b/, 2),
    r('toeslagen', /\btoeslag\w*|\ballowance\b/, 3),
    r('pensioen', /\bpensioen\w*|\baow\b|\bstate pension\b|\bpension\b|\bsvb\b/, 2),
    r('paspoort-aanvragen', /\bpaspoort\b.{0,40}\b(?:verlopen|aanvragen|verlengen|spoed)\b|\bpassport\b.{0,30}\b(?:expired|renew\w*)\b/, 3),
    r('betalingsregeling', /\bbetalingsregeling\b|\bterug ?betal\w*|\bpay back\b|\brefund\b/, 2),
    r('opgelost', /\bopgelost\b|\bhet is gelukt\b|\bsolved\b|\bdank u wel voor uw\b|\bthanks for your (?:reply|answer|help)\b/, 3),
    r('reclame', /\bgefeliciteerd\b|\bgewonnen\b|\bwinnaar\b|\bcongratulations\b|\bwinner\b|\bnieuwsbrief\b|\bunsubscribe\b|\bclaim\w*/, 3),
  ],
};

/** Function words, for telling Dutch from English. Words that are the same in both ('in', 'is', 'we') are left out. */
export const STOPWORDS: Record<'nl' | 'en', ReadonlySet<string>> = {
  nl: new Set(
    'de het een en ik je jij u uw van dat niet met voor op te zijn er maar om ook als bij nog wel wat kan heb heeft mijn wij hoe geen naar dan dit die deze wordt moet graag zou kunt worden ben was of al mij me zij ze hij hem haar ons onze omdat want hier daar nu toch wil krijg krijgen staat gaat alleen'.split(' '),
  ),
  en: new Set(
    'the a an and i you your of to that not with for on are my have has it this be can do does what how our please would will but from there at been which who when did they their them me am was were could should may its also only so if about'.split(' '),
  ),
};
