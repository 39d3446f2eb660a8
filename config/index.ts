import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../lib/errors.ts';

/**
 * The one place that reads the environment. `loadConfig(env)` validates everything once at
 * start, reports every problem at once (one line per variable), and returns a frozen object.
 *
 * Secrets (IMAP password, encryption and HMAC keys) come from the environment or from files
 * named by `*_FILE` variables; never from the repository. For local development
 * `scripts/services.sh` generates them under `.local/secrets/`, and the defaults below point
 * there, so `npm start` and `npm test` work on a fresh clone.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Documented defaults. Ports mirror scripts/services.sh (change both via the environment). */
export const DEFAULTS = {
  KCC_LOCAL_DIR: path.join(REPO_ROOT, '.local'),
  KCC_KAFKA_BROKERS: '127.0.0.1:19092',
  KCC_KAFKA_CLIENT_ID: 'kcc-intake',
  // Topic names carry a version so that a contract change gets a new topic, not a mix.
  KCC_TOPIC_PREFIX: 'kcc',
  KCC_TOPIC_PARTITIONS: '6',
  // Partitions of the raw-mail topic one processor works on at once. A message spends most
  // of its time waiting for the database, not on the CPU: one partition at a time left the
  // process idle between round trips.
  KCC_INTAKE_CONCURRENCY: '6',
  // Raw-mail records of one partition analysed and stored together: new cases are written
  // with one insert per collection instead of five round trips each. 1 turns batching off.
  KCC_INTAKE_BATCH: '50',
  // Register M1533: Kafka is a buffer, not a store. 3 days covers a long weekend outage.
  KCC_TOPIC_RETENTION_MS: String(3 * 24 * 3600 * 1000),
  // Upper bound we accept on any topic we use: a topic kept longer is refused at start.
  KCC_TOPIC_MAX_RETENTION_MS: String(7 * 24 * 3600 * 1000),
  KCC_MONGO_URL: 'mongodb://127.0.0.1:27018/kcc',
  KCC_IMAP_HOST: '127.0.0.1',
  KCC_IMAP_PORT: '10143',
  KCC_IMAP_SECURE: 'false',
  KCC_IMAP_USER: 'intake@kcc.test',
  KCC_IMAP_MAILBOXES: 'INBOX',
  KCC_IMAP_PROCESSED_FOLDER: 'Processed',
  // Where a message the ingestor could not publish, alone, after its tries goes (dead-lettered).
  KCC_IMAP_REFUSED_FOLDER: 'Refused',
  // How often the retention role expunges processed mail past its term (register: imap_processed).
  KCC_IMAP_PURGE_INTERVAL_MS: String(15 * 60_000),
  KCC_SMTP_HOST: '127.0.0.1',
  KCC_SMTP_PORT: '10025',
  KCC_SMTP_SECURE: 'false',
  KCC_MAIL_FROM: 'KCC Logius <intake@kcc.test>',
  // Kafka's default max.message.bytes is 1 MiB; larger messages travel by claim check.
  KCC_CLAIM_CHECK_THRESHOLD_BYTES: String(1024 * 1024),
  // The one size limit of a message, as its raw bytes (base64 attachments included): the
  // ingestor refuses anything larger by the server's SIZE before reading it, and the parser
  // takes the same number (app/index.ts), so no message passes one and fails the other.
  // Exchange Online's documented default receive limit for a mailbox is 36 MB (35 MB send),
  // which leaves room for ~25 MB of attachments after base64's 4/3 growth; most citizens send
  // through providers with the same or smaller limits, so a larger message would rarely
  // reach a Logius mailbox anyway. (Until issue 12 this said 50 MiB while the parser refused
  // at 36 MiB: a 41 MB mail passed the ingestor and was dead-lettered by the parser.)
  KCC_MAX_MESSAGE_BYTES: String(36 * 1024 * 1024),
  KCC_ID_DOCUMENT_MAX_DAYS: '30',
  KCC_TESSDATA_DIR: '/usr/share/tesseract-ocr/5/tessdata',
  KCC_OCR_WORKERS: String(Math.max(1, os.availableParallelism())),
  KCC_LOG_LEVEL: 'info',
  KCC_SWEEP_INTERVAL_MS: '60000',
  // The scanning street's drop folder. Empty: no letter ingestion (the upload writes into it
  // too), so a test or a developer's run never takes files from a folder it was not given.
  KCC_LETTERS_DROP_DIR: '',
  // Two polls with unchanged size and mtime make a file "stable": 2 s each keeps a scanner's
  // half-written file out and a letter's wait short.
  KCC_LETTERS_POLL_MS: '2000',
  // The upload listens on loopback unless told otherwise (a scanning station elsewhere sets
  // 0.0.0.0 behind TLS termination). Port 0 picks a free port (tests).
  KCC_LETTERS_UPLOAD_HOST: '127.0.0.1',
  KCC_LETTERS_UPLOAD_PORT: '10480',
  // The agents' workbench (role `workbench`). Loopback unless told otherwise: in production it
  // sits behind the ministry's TLS-terminating proxy, whose URL is KCC_WORKBENCH_PUBLIC_URL.
  KCC_WORKBENCH_HOST: '127.0.0.1',
  KCC_WORKBENCH_PORT: '10470',
  KCC_WORKBENCH_PUBLIC_URL: '',
  // Whose X-Forwarded-For / -Proto the workbench believes: nobody, unless the proxies in front
  // of it are named (addresses or CIDRs). Trusting every peer would let any client pick the
  // address the sign-in rate limit and the logs see.
  KCC_WORKBENCH_TRUST_PROXY: 'off',
  // Sign-in: the local development provider (scripts/idp.ts) unless a real one is configured.
  KCC_OIDC_ISSUER: 'http://127.0.0.1:10490',
  KCC_OIDC_CLIENT_ID: 'kcc-workbench',
  KCC_OIDC_ROLES_CLAIM: 'roles',
  // Demo mode lists the local provider's demo accounts on the sign-in page; `npm start` turns it on.
  KCC_WORKBENCH_DEMO: 'false',
  // On a server that cannot serve the queue from an index (FerretDB 1.x), how old the snapshot
  // of the open work behind a queue page may be (processors/cases/queue-snapshot.ts); MongoDB ignores it.
  KCC_QUEUE_MAX_STALE_MS: '5000',
  // CloudEvents `source` of the case events (NL GOV profile: a URN that names the system).
  KCC_EVENTS_SOURCE: 'urn:nld:logius:kcc-intake',
  // rspamd's HTTP API (the local one scripts/services.sh runs); empty: no spam filter is asked.
  KCC_SPAM_FILTER_URL: 'http://127.0.0.1:10783',
  // From this rspamd score a new message goes to the "waarschijnlijk geen zaak" queue; 6 is
  // rspamd's own "add header" (probably spam) threshold.
  KCC_SPAM_FILTER_SCORE: '6',
  // The satisfaction survey (issue 17). A day after closure as answered, as the issue asks:
  // late enough that the answer has arrived and been read, early enough to be remembered.
  KCC_SURVEY_DELAY_MS: String(24 * 3600 * 1000),
  // The form's link works 14 days: two weeks covers a holiday; after that the memory fades.
  KCC_SURVEY_TOKEN_DAYS: '14',
  // At most one invitation per address per 90 days, across cases (a frequent writer is not
  // surveyed at every question).
  KCC_SURVEY_RECENT_DAYS: '90',
  // No figure for a group of fewer answers (never below 3: the floor of the report).
  KCC_SURVEY_MIN_GROUP: '5',
  // Per-agent figures monitor employees' performance: only with the works council's consent
  // (WOR art. 27 lid 1 sub l), so off unless configured.
  KCC_SURVEY_AGENT_FIGURES: 'false',
  KCC_SURVEY_POLL_MS: '30000',
} as const;

/**
 * The defaults follow the local services' port variables (scripts/services.sh reads the
 * same ones), so moving a local service to another port is one variable, not two.
 */
function localServiceDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  const d: Record<string, string> = { ...DEFAULTS };
  if (env.KCC_KAFKA_PORT) d.KCC_KAFKA_BROKERS = `127.0.0.1:${env.KCC_KAFKA_PORT}`;
  if (env.KCC_FERRETDB_PORT) d.KCC_MONGO_URL = `mongodb://127.0.0.1:${env.KCC_FERRETDB_PORT}/kcc`;
  if (env.KCC_IMAP_PORT) d.KCC_IMAP_PORT = env.KCC_IMAP_PORT;
  if (env.KCC_SMTP_PORT) d.KCC_SMTP_PORT = env.KCC_SMTP_PORT;
  if (env.KCC_IDP_PORT) d.KCC_OIDC_ISSUER = `http://127.0.0.1:${env.KCC_IDP_PORT}`;
  if (env.KCC_RSPAMD_PORT) d.KCC_SPAM_FILTER_URL = `http://127.0.0.1:${env.KCC_RSPAMD_PORT}`;
  return d;
}

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const positiveInt = z.coerce.number().int().positive();
const list = z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(z.string()).min(1));
const key32 = z
  .string()
  .transform((s) => Buffer.from(s.trim(), 'base64url'))
  .refine((b) => b.length === 32, 'must be 32 bytes, base64url-encoded (e.g. `head -c 32 /dev/urandom | base64`)');

const schema = z.object({
  KCC_LOCAL_DIR: z.string().min(1),
  KCC_KAFKA_BROKERS: list.pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port'))),
  KCC_KAFKA_CLIENT_ID: z.string().min(1),
  KCC_TOPIC_PREFIX: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'must be lower-case letters, digits, . _ -'),
  KCC_TOPIC_PARTITIONS: positiveInt.max(1000),
  KCC_INTAKE_CONCURRENCY: positiveInt.max(100),
  KCC_INTAKE_BATCH: positiveInt.max(1000),
  KCC_TOPIC_RETENTION_MS: positiveInt,
  KCC_TOPIC_MAX_RETENTION_MS: positiveInt,
  KCC_MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  KCC_IMAP_HOST: z.string().min(1),
  KCC_IMAP_PORT: port,
  KCC_IMAP_SECURE: bool,
  KCC_IMAP_USER: z.string().min(1),
  KCC_IMAP_PASSWORD: z.string().min(1, 'is empty'),
  KCC_IMAP_MAILBOXES: list,
  KCC_IMAP_PROCESSED_FOLDER: z.string().min(1),
  KCC_IMAP_REFUSED_FOLDER: z.string().min(1),
  KCC_IMAP_PURGE_INTERVAL_MS: positiveInt,
  KCC_SMTP_HOST: z.string().min(1),
  KCC_SMTP_PORT: port,
  KCC_SMTP_SECURE: bool,
  KCC_MAIL_FROM: z.string().min(3),
  KCC_CLAIM_CHECK_THRESHOLD_BYTES: positiveInt,
  KCC_MAX_MESSAGE_BYTES: positiveInt,
  KCC_ENCRYPTION_KEY: key32,
  KCC_HMAC_KEY: key32,
  KCC_ID_DOCUMENT_MAX_DAYS: positiveInt.max(365),
  KCC_TESSDATA_DIR: z.string().min(1),
  KCC_OCR_WORKERS: positiveInt.max(64),
  KCC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  KCC_SWEEP_INTERVAL_MS: positiveInt,
  KCC_LETTERS_DROP_DIR: z.string(),
  KCC_LETTERS_POLL_MS: positiveInt.min(50),
  KCC_LETTERS_UPLOAD_HOST: z.string().min(1),
  KCC_LETTERS_UPLOAD_PORT: z.coerce.number().int().min(0).max(65535),
  // A bearer token shorter than 128 bits is guessable; services.sh generates 32 random bytes.
  KCC_LETTERS_UPLOAD_TOKEN: z.string().min(22, 'must be at least 22 characters (128 bits)').optional(),
  KCC_WORKBENCH_HOST: z.string().min(1),
  KCC_WORKBENCH_PORT: z.coerce.number().int().min(0).max(65535),
  KCC_WORKBENCH_PUBLIC_URL: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be scheme://host[:port], without a path or trailing slash')]),
  KCC_WORKBENCH_TRUST_PROXY: z.string().transform((v, ctx) => {
    const t = v.trim();
    if (t === '' || t === 'off') return [] as string[];
    const list = t.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = list.filter((x) => !isAddressOrCidr(x));
    if (bad.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be "off" or a comma-separated list of IP addresses or CIDRs (not valid: ${bad.length} entr${bad.length === 1 ? 'y' : 'ies'})` });
    return list;
  }),
  KCC_OIDC_ISSUER: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
  KCC_OIDC_CLIENT_ID: z.string().min(1),
  KCC_OIDC_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  KCC_OIDC_ROLES_CLAIM: z.string().regex(/^[\w:./-]{1,100}$/, 'must be a claim name'),
  KCC_WORKBENCH_DEMO: bool,
  KCC_QUEUE_MAX_STALE_MS: z.coerce.number().int().min(0).max(60_000),
  KCC_EVENTS_SOURCE: z.string().regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i, 'must be a URN (urn:…)'),
  KCC_SPAM_FILTER_URL: z.union([z.literal(''), z.string().regex(/^https?:\/\/[^/\s]+\/?$/, 'must be scheme://host[:port] of rspamd, or empty for none')]),
  KCC_SPAM_FILTER_SCORE: z.coerce.number().min(0).max(100),
  KCC_SURVEY_DELAY_MS: z.coerce.number().int().min(0).max(30 * 86_400_000),
  KCC_SURVEY_TOKEN_DAYS: positiveInt.max(90),
  KCC_SURVEY_RECENT_DAYS: z.coerce.number().int().min(0).max(3650),
  KCC_SURVEY_MIN_GROUP: z.coerce.number().int().min(3, 'must be at least 3 (smaller groups identify people)').max(1000),
  KCC_SURVEY_AGENT_FIGURES: bool,
  KCC_SURVEY_POLL_MS: positiveInt.min(100),
});

type Raw = z.output<typeof schema>;

export interface Config {
  readonly localDir: string;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly topicPrefix: string;
    readonly partitions: number;
    readonly retentionMs: number;
    readonly maxRetentionMs: number;
  };
  readonly mongoUrl: string;
  readonly imap: {
    readonly host: string; readonly port: number; readonly secure: boolean;
    readonly user: string; readonly password: string;
    readonly mailboxes: readonly string[]; readonly processedFolder: string; readonly refusedFolder: string;
    readonly purgeIntervalMs: number;
  };
  readonly smtp: { readonly host: string; readonly port: number; readonly secure: boolean; readonly from: string };
  readonly limits: { readonly claimCheckThresholdBytes: number; readonly maxMessageBytes: number };
  readonly keys: { readonly encryption: Buffer; readonly hmac: Buffer };
  readonly idDocumentMaxDays: number;
  readonly ocr: { readonly tessdataDir: string; readonly workers: number };
  readonly intakeConcurrency: number;
  readonly intakeBatch: number;
  readonly logLevel: string;
  readonly sweepIntervalMs: number;
  readonly letters: {
    /** null: no drop folder and no upload (letter ingestion off). */
    readonly dropDir: string | null;
    readonly pollIntervalMs: number;
    /** HTTP upload; `token` null (no secret configured) disables it. */
    readonly upload: { readonly host: string; readonly port: number; readonly token: string | null };
  };
  readonly workbench: {
    readonly host: string;
    readonly port: number;
    /** null: the address it listens on (development). */
    readonly publicUrl: string | null;
    /** The proxies whose X-Forwarded-* headers are believed (addresses or CIDRs); empty: none. */
    readonly trustProxy: readonly string[];
    /** `clientSecret` null (none configured): the workbench role does not start. */
    readonly oidc: { readonly issuer: string; readonly clientId: string; readonly clientSecret: string | null; readonly rolesClaim: string };
    readonly demo: boolean;
    /** FerretDB 1.x only: the queue page's snapshot of the open work is at most this old (ms; 0: exact). */
    readonly queueMaxStaleMs: number;
  };
  readonly events: { readonly source: string };
  /** rspamd, asked about every new e-mail (processors/screening); url null: not asked. */
  readonly spamFilter: { readonly url: string | null; readonly score: number };
  readonly survey: {
    readonly delayMs: number;
    readonly tokenTtlMs: number;
    readonly recentDays: number;
    readonly minGroup: number;
    readonly agentFigures: boolean;
    readonly pollMs: number;
  };
}

/**
 * Optional secrets: the feature they guard is off when they are absent (the letter upload
 * without its token), so a checkout whose services were set up before the secret existed
 * still starts. Same NAME / NAME_FILE / .local/secrets order as the required ones.
 */
const OPTIONAL_SECRET_FILES: Record<string, string> = {
  KCC_LETTERS_UPLOAD_TOKEN: 'letters-upload-token',
  KCC_OIDC_CLIENT_SECRET: 'oidc-client-secret',
};

/** Secrets may be given as NAME or as NAME_FILE (a path); the local dev files are the fallback. */
const SECRET_FILES: Record<string, string> = {
  KCC_IMAP_PASSWORD: 'imap-password',
  KCC_ENCRYPTION_KEY: 'encryption-key',
  KCC_HMAC_KEY: 'hmac-key',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string | undefined> = {};
  const problems: string[] = [];
  const defaults = localServiceDefaults(env);
  for (const name of Object.keys(schema.shape)) {
    input[name] = env[name] ?? defaults[name];
  }
  const localDir = input.KCC_LOCAL_DIR ?? DEFAULTS.KCC_LOCAL_DIR;
  for (const [name, devFile] of Object.entries(SECRET_FILES)) {
    if (input[name] !== undefined) continue;
    const file = env[`${name}_FILE`] ?? path.join(localDir, 'secrets', devFile);
    try {
      input[name] = readFileSync(file, 'utf8').trim();
    } catch {
      problems.push(`${name}: not set, and ${name}_FILE (${env[`${name}_FILE`] ? 'given' : 'default .local/secrets/' + devFile}) cannot be read; run \`npm run services:up\` for development secrets`);
    }
  }
  for (const [name, devFile] of Object.entries(OPTIONAL_SECRET_FILES)) {
    if (input[name] !== undefined) continue;
    const given = env[`${name}_FILE`];
    try {
      input[name] = readFileSync(given ?? path.join(localDir, 'secrets', devFile), 'utf8').trim();
    } catch {
      if (given) problems.push(`${name}: ${name}_FILE is given but cannot be read`);
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      // Never echo a secret's value; for the others, say what was given only by name.
      if (!problems.some((p) => p.startsWith(`${name}:`))) problems.push(`${name}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const c: Raw = parsed.data;
  if (c.KCC_TOPIC_RETENTION_MS > c.KCC_TOPIC_MAX_RETENTION_MS) {
    throw new ConfigError('CONFIG_INVALID', 'invalid configuration:\n  KCC_TOPIC_RETENTION_MS: exceeds KCC_TOPIC_MAX_RETENTION_MS (register M1533: Kafka is a short-lived buffer)');
  }
  // A refused message moved into a watched mailbox would be taken again, refused again, for ever.
  const folders = [...c.KCC_IMAP_MAILBOXES, c.KCC_IMAP_PROCESSED_FOLDER].map((f) => f.toLowerCase());
  if (folders.includes(c.KCC_IMAP_REFUSED_FOLDER.toLowerCase())) {
    throw new ConfigError('CONFIG_INVALID', 'invalid configuration:\n  KCC_IMAP_REFUSED_FOLDER: must differ from KCC_IMAP_MAILBOXES and KCC_IMAP_PROCESSED_FOLDER');
  }
  return deepFreeze({
    localDir: c.KCC_LOCAL_DIR,
    kafka: {
      brokers: c.KCC_KAFKA_BROKERS,
      clientId: c.KCC_KAFKA_CLIENT_ID,
      topicPrefix: c.KCC_TOPIC_PREFIX,
      partitions: c.KCC_TOPIC_PARTITIONS,
      retentionMs: c.KCC_TOPIC_RETENTION_MS,
      maxRetentionMs: c.KCC_TOPIC_MAX_RETENTION_MS,
    },
    mongoUrl: c.KCC_MONGO_URL,
    imap: {
      host: c.KCC_IMAP_HOST, port: c.KCC_IMAP_PORT, secure: c.KCC_IMAP_SECURE,
      user: c.KCC_IMAP_USER, password: c.KCC_IMAP_PASSWORD,
      mailboxes: c.KCC_IMAP_MAILBOXES, processedFolder: c.KCC_IMAP_PROCESSED_FOLDER, refusedFolder: c.KCC_IMAP_REFUSED_FOLDER,
      purgeIntervalMs: c.KCC_IMAP_PURGE_INTERVAL_MS,
    },
    smtp: { host: c.KCC_SMTP_HOST, port: c.KCC_SMTP_PORT, secure: c.KCC_SMTP_SECURE, from: c.KCC_MAIL_FROM },
    limits: { claimCheckThresholdBytes: c.KCC_CLAIM_CHECK_THRESHOLD_BYTES, maxMessageBytes: c.KCC_MAX_MESSAGE_BYTES },
    keys: { encryption: c.KCC_ENCRYPTION_KEY, hmac: c.KCC_HMAC_KEY },
    idDocumentMaxDays: c.KCC_ID_DOCUMENT_MAX_DAYS,
    ocr: { tessdataDir: c.KCC_TESSDATA_DIR, workers: c.KCC_OCR_WORKERS },
    intakeConcurrency: c.KCC_INTAKE_CONCURRENCY,
    intakeBatch: c.KCC_INTAKE_BATCH,
    logLevel: c.KCC_LOG_LEVEL,
    sweepIntervalMs: c.KCC_SWEEP_INTERVAL_MS,
    letters: {
      dropDir: c.KCC_LETTERS_DROP_DIR === '' ? null : path.resolve(c.KCC_LETTERS_DROP_DIR),
      pollIntervalMs: c.KCC_LETTERS_POLL_MS,
      upload: { host: c.KCC_LETTERS_UPLOAD_HOST, port: c.KCC_LETTERS_UPLOAD_PORT, token: c.KCC_LETTERS_UPLOAD_TOKEN ?? null },
    },
    workbench: {
      host: c.KCC_WORKBENCH_HOST,
      port: c.KCC_WORKBENCH_PORT,
      publicUrl: c.KCC_WORKBENCH_PUBLIC_URL === '' ? null : c.KCC_WORKBENCH_PUBLIC_URL,
      trustProxy: c.KCC_WORKBENCH_TRUST_PROXY,
      oidc: { issuer: c.KCC_OIDC_ISSUER.replace(/\/$/, ''), clientId: c.KCC_OIDC_CLIENT_ID, clientSecret: c.KCC_OIDC_CLIENT_SECRET ?? null, rolesClaim: c.KCC_OIDC_ROLES_CLAIM },
      demo: c.KCC_WORKBENCH_DEMO,
      queueMaxStaleMs: c.KCC_QUEUE_MAX_STALE_MS,
    },
    events: { source: c.KCC_EVENTS_SOURCE },
    spamFilter: { url: c.KCC_SPAM_FILTER_URL === '' ? null : c.KCC_SPAM_FILTER_URL, score: c.KCC_SPAM_FILTER_SCORE },
    survey: {
      delayMs: c.KCC_SURVEY_DELAY_MS,
      tokenTtlMs: c.KCC_SURVEY_TOKEN_DAYS * 86_400_000,
      recentDays: c.KCC_SURVEY_RECENT_DAYS,
      minGroup: c.KCC_SURVEY_MIN_GROUP,
      agentFigures: c.KCC_SURVEY_AGENT_FIGURES,
      pollMs: c.KCC_SURVEY_POLL_MS,
    },
  });
}

/** `10.0.0.5`, `fd00::1`, `10.0.0.0/8`, `fd00::/8`: what Fastify's trustProxy (proxy-addr) takes. */
export function isAddressOrCidr(s: string): boolean {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !addr) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Only the OCR settings, for `kcc extract` on scans: it runs without servers, so it must not
 * need the secrets loadConfig insists on.
 */
export function loadOcrConfig(env: NodeJS.ProcessEnv = process.env): Config['ocr'] {
  const parsed = z
    .object({ KCC_TESSDATA_DIR: z.string().min(1), KCC_OCR_WORKERS: positiveInt.max(64) })
    .safeParse({ KCC_TESSDATA_DIR: env.KCC_TESSDATA_DIR ?? DEFAULTS.KCC_TESSDATA_DIR, KCC_OCR_WORKERS: env.KCC_OCR_WORKERS ?? DEFAULTS.KCC_OCR_WORKERS });
  if (!parsed.success) {
    throw new ConfigError('CONFIG_INVALID', `invalid configuration:\n  ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('\n  ')}`);
  }
  return Object.freeze({ tessdataDir: parsed.data.KCC_TESSDATA_DIR, workers: parsed.data.KCC_OCR_WORKERS });
}
