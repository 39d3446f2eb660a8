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
      return flagged.map((f) => ({
        messageKey,
        channel: 'email' as const,
        part: f.part,
        label: f.filename || `attachment ${f.part}`,
        category: f.verdict.kind === 'signature' ? ('signature' as const) : ('id_document' as const),
        documentKind: f.verdict.documentKind,
        detectedBy: f.verdict.detectedBy ?? 'signature',
        mrzValid: f.verdict.mrzValid,
        content: f.content,
        contentType: f.contentType || 'application/octet-stream',
        hints: f.verdict.hints,
        receivedAt,
      }));
    },
    caseAttachments(attachments) {
      return attachments.map((x) => (x.kind === 'other' ? x : { ...x, sha256: '' }));
    },
  };
}
