/**
 * `kcc dsar export` and `kcc dsar erase`: subject access and erasure for one person.
 *
 *   kcc dsar export --email X | --phone X | --bsn X [--actor NAME] [--role ROLE]
 *       prints everything held about the person as JSON (processors/dsar: what is included,
 *       and why a BSN appears only when the request carried it)
 *   kcc dsar erase  --email X | --phone X | --bsn X [--actor NAME] [--role ROLE]
 *       deletes it, prints the counts per collection as JSON
 *
 * Several identifiers may be combined; a case matching any of them is included. Both
 * commands leave an audit entry (keyed hashes of the identifiers, counts, actor, time);
 * erase also a deletion-log link. Identifiers are never echoed in errors.
 */
import { parseArgs } from 'node:util';
import { createFieldCipher, createKeyedHasher } from '../lib/crypto.ts';
import { eraseSubject, exportSubject, type SubjectQuery } from '../processors/dsar/index.ts';
import { createContentStore } from '../processors/content/store.ts';
import { UsageError, cliActor, ioOf, withConnection, type CliDeps } from './audit.ts';
import { usageOf } from './usage.ts';

export const DSAR_USAGE = usageOf('dsar');

/** Who handles subject requests by default: the privacy officer (FG/DPO) or their delegate. */
const DEFAULT_ROLE = 'privacy_officer';

export async function dsarCommand(args: string[], deps: CliDeps = {}): Promise<number> {
  const io = ioOf(deps);
  const [sub, ...rest] = args;
  let query: SubjectQuery;
  let actorName: string | undefined;
  let role: string;
  try {
    if (sub !== 'export' && sub !== 'erase') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        phone: { type: 'string' },
        bsn: { type: 'string' },
        actor: { type: 'string' },
        role: { type: 'string', default: DEFAULT_ROLE },
      },
      strict: true,
      allowPositionals: false,
    });
    query = {};
    if (values.email) query.email = values.email;
    if (values.phone) query.phone = values.phone;
    if (values.bsn) query.bsn = values.bsn;
    if (Object.keys(query).length === 0) throw new UsageError('give at least one of --email, --phone, --bsn');
    actorName = values.actor;
    role = values.role!;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kcc dsar: ${(err as Error).message}\n${DSAR_USAGE}`);
      return 2;
    }
    throw err;
  }

  return withConnection(deps, async (conn, config) => {
    const hasher = createKeyedHasher(config.keys.hmac);
    // The export opens the kept content (HTML, attachments) with the field cipher; erasure needs no key.
    const content = createContentStore(conn, { cipher: createFieldCipher({ keys: { k1: config.keys.encryption }, activeKeyId: 'k1' }) });
    const options = { actor: cliActor(actorName, role), clock: io.clock, content };
    if (sub === 'export') {
      const result = await exportSubject(conn, hasher, query, options);
      io.out(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const result = await eraseSubject(conn, hasher, query, options);
      io.out(`${JSON.stringify(result, null, 2)}\n`);
    }
    return 0;
  });
}
