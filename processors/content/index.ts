/**
 * processors/content: what the citizen sent, kept with the case and shown safely (issue #16).
 * sanitise.ts (the one allow-list, at intake and at render), store.ts (sealed HTML and
 * attachments, the case's term), render.ts (the message frame and attachment previews).
 */
export { sanitiseForKeeping, sanitiseForShowing, type SanitisedHtml } from './sanitise.ts';
export { createContentStore, contentModel, eraseContentOf, isKeptPart, CONTENT_BUCKET, CONTENT_COLLECTION, type ContentStore, type ContentInput, type ContentPartDoc, type MessageContentDoc, type ShownContent } from './store.ts';
