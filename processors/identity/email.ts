/**
 * ID copies in e-mail: the glue between analyseEmail's `inspectAttachment` hook and the
 * identity store, so the intake processor only calls three functions. One collector per
 * message: it remembers which attachments the inspector flagged (with their bytes) until
 * the processor stores them, then forgets them with the message.
 */
import type { AnalyseOptions, AttachmentKind } from '../analyse/index.ts';
import type { AttachmentVerdict } from './inspect.ts';
import type { PendingDocument } from './index.ts';

export interface AttachmentInspectorFactory {
  forMessage(): (a: { filename: string; contentType: string; content: Buffer }) => Promise<AttachmentVerdict>;
}

export interface EmailCopyCollector {
  /** The analyse options with the inspector hooked in. */
  options(base: AnalyseOptions | undefined): AnalyseOptions;
  /** The flagged attachments as documents for `IdentityStore.putPending`. */
  pending(messageKey: string, receivedAt: Date): PendingDocument[];
  /** The case's attachment list: no hash of a copy (a fingerprint would outlive the copy). */
  caseAttachments<T extends { kind: AttachmentKind; sha256: string }>(attachments: T[]): T[];
}

export function emailCopyCollector(factory: AttachmentInspectorFactory): EmailCopyCollector {
  const inspect = factory.forMessage();
  const flagged: Array<{ part: number; filename: string; contentType: string; content: Buffer; verdict: AttachmentVerdict }> = [];
  let position = 0;
  return {
    options(base) {
      return {
        ...base,
        inspectAttachment: async (a) => {
          position += 1;
          const verdict = await inspect(a);
          if (verdict.kind !== 'other') flagged.push({ part: position, filename: a.filename, contentType: a.contentType, content: a.content, verdict });
          return { kind: verdict.kind, documentKind: verdict.documentKind };
        },
      };
    },
    pending(messageKey, receivedAt) {
      return flagged.map((f) => pendingDocumentOf(f.verdict, { messageKey, part: f.part, filename: f.filename, contentType: f.contentType, content: f.content, receivedAt }));
    },
    caseAttachments(attachments) {
      return attachments.map((x) => (x.kind === 'other' ? x : { ...x, sha256: '' }));
    },
  };
}

/**
 * A flagged e-mail attachment as a document for `IdentityStore.putPending`. `part` is the
 * attachment's 1-based position in the message: with the message key, the document's id.
 */
export function pendingDocumentOf(
  verdict: AttachmentVerdict,
  a: { messageKey: string; part: number; filename: string; contentType: string; content: Buffer; receivedAt: Date },
): PendingDocument {
  return {
    messageKey: a.messageKey,
    channel: 'email',
    part: a.part,
    label: a.filename || `attachment ${a.part}`,
    category: verdict.kind === 'signature' ? 'signature' : 'id_document',
    documentKind: verdict.documentKind,
    detectedBy: verdict.detectedBy ?? 'signature',
    mrzValid: verdict.mrzValid,
    content: a.content,
    contentType: a.contentType || 'application/octet-stream',
    hints: verdict.hints,
    receivedAt: a.receivedAt,
  };
}
