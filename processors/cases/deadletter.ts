/**
 * "Openen als zaak": a message the pipeline refused (a 41 MB scan, a mail it could not parse)
 * is still a citizen's question. A team lead opens it as a case in the first-line queue,
 * through the case store's own intake (the same numbering, queue row and events), with a
 * note of why it was refused.
 *
 * What the case holds is what is known without reading the message: the refusal's code,
 * reason and time, the source (our mailbox and UID, or the scan's file name), size, and where
 * the raw bytes are while they last. The raw bytes stay where they are; nobody's contact
 * details are guessed, so the case has no reply address and no acknowledgment goes out: the
 * agent finds the message at its source and answers as the channel allows.
 *
 * Idempotent by the dead letter's id: the case's dedupe key is `deadletter:<id>`, so a double
 * click, a retry after a lost answer, or a second team lead opens one case; the note is
 * written with a request id derived from the same id, so it is there once.
 */
import { CaseNotFoundError, type Agent } from './work.ts';
import type { CaseStore, IntakeMessage } from './index.ts';

/** What the case store needs to know of a dead letter (processors/deadletters' DeadLetterDoc fits). */
export interface RefusedMessage {
  _id: string;
  code: string;
  reason?: string | undefined;
  at: Date;
  size?: number | undefined;
  sourceRef?: { kind?: string | undefined; mailbox?: string | undefined; uidValidity?: string | undefined; uid?: number | undefined; via?: string | undefined; file?: string | undefined } | undefined;
}

/** The topic a refused message is filed under until an agent re-classifies it. */
export const REFUSED_TOPIC = 'overig';

export const deadLetterCaseKey = (deadLetterId: string): string => `deadletter:${deadLetterId}`;

/** The note of why it was refused, in the KCC's working language; fixed wording plus the dead letter's own fields. */
export function refusalNote(d: RefusedMessage, rawBytes: readonly string[]): string {
  const ref = d.sourceRef ?? {};
  const source = ref.kind === 'imap' ? `e-mail in postbus ${ref.mailbox ?? '?'} (UID ${ref.uid ?? '?'})`
    : ref.kind === 'letter' ? `scan "${ref.file ?? '?'}" (${ref.via ?? '?'})` : 'onbekend';
  return [
    `Door de verwerking geweigerd op ${d.at.toISOString()}: ${d.code}${d.reason ? ` — ${d.reason}` : ''}.`,
    `Bron: ${source}${d.size !== undefined ? `, ${d.size} bytes` : ''}.`,
    'De inhoud is niet gelezen; de oorspronkelijke bytes staan (zolang ze bewaard worden):',
    ...rawBytes.map((l) => `- ${l}`),
    'Zoek het bericht op bij de bron en beantwoord de burger via het kanaal dat het bericht gebruikte.',
  ].join('\n');
}

/** Opens (or finds) the case of a refused message; returns its number and whether this call created it. */
export async function openDeadLetterAsCase(
  store: CaseStore, d: RefusedMessage, agent: Agent, rawBytes: readonly string[],
): Promise<{ caseId: string; caseNumber: string; created: boolean }> {
  const ref = d.sourceRef ?? {};
  const channel: IntakeMessage['channel'] = ref.kind === 'letter' ? 'letter' : 'email';
  const source: IntakeMessage['source'] = { kind: ref.kind ?? 'unknown', ...(ref.mailbox ? { mailbox: ref.mailbox } : {}), ...(ref.uidValidity ? { uidValidity: ref.uidValidity } : {}), ...(ref.uid !== undefined ? { uid: ref.uid } : {}) };
  const message: IntakeMessage = {
    dedupeKey: deadLetterCaseKey(d._id), channel, messageId: null, inReplyTo: null, references: [],
    receivedAt: d.at,
    subject: channel === 'letter' ? `Geweigerde brief (${d.code})` : `Geweigerd bericht (${d.code})`,
    text: channel === 'letter' ? '[Geweigerde brief: de inhoud is niet gelezen. De notitie zegt waarom en waar de scan is.]' : '[Geweigerd bericht: de inhoud is niet gelezen. De notitie zegt waarom en waar het bericht is.]',
    source, attachments: [], replyAddress: null,
    citizen: { name: null, street: null, houseNumber: null, postcode: null, city: null, email: null, phones: [] },
    bsn: null, representative: null,
    classification: { topic: REFUSED_TOPIC, language: 'nl', confidence: 0, reasons: [`refused:${d.code}`] },
    wantsAcknowledgment: false,
  };
  const res = await store.ingest(message);
  // The note, once: its request id is the dead letter's, so a repeat finds it in the history.
  const c = await store.desk.get(res.caseId);
  if (!c) throw new CaseNotFoundError();
  await store.desk.note(res.caseId, { expectedVersion: c.version ?? 0, requestId: `${deadLetterCaseKey(d._id)}:note` }, agent, refusalNote(d, rawBytes));
  return { caseId: res.caseId, caseNumber: res.caseNumber, created: res.created };
}
