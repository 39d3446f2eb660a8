/**
 * What a route file gets from the workbench (server.tsx builds it once): the domain handles
 * and the page helpers, so each area's routes live in their own file with one
 * `register…Routes(app, ctx)` and server.tsx only calls it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Connection } from 'mongoose';
import type { KeyedHasher } from '../../lib/crypto.ts';
import type { AuditLog } from '../../processors/audit/index.ts';
import type { CaseStore } from '../../processors/cases/index.ts';
import type { RetryConfig } from '../../processors/deadletters/index.ts';
import type { PageContext } from '../views/layout.tsx';

export interface RouteContext {
  conn: Connection;
  store: CaseStore;
  audit: AuditLog;
  /** Subject-access look-ups (privacy officer); null when the app did not hand one in. */
  hasher: KeyedHasher | null;
  /** What a dead-letter retry needs (Kafka, the intake mailbox, the size limit); null when not handed in. */
  retry: RetryConfig | null;
  /** The collections the retention report covers (app/index.ts RETENTION_COLLECTIONS plus the audit log). */
  retentionCollections: readonly string[];
  now(): Date;
  pageContext(req: FastifyRequest, reply?: FastifyReply): PageContext;
  html(reply: FastifyReply, body: string, status?: number): FastifyReply;
}
