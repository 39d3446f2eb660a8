/**
 * `npm start`: run the pipeline. Roles from `--roles ingest,process,inspect,acknowledge,letters,retention`
 * (default: all). SIGINT/SIGTERM drain in-flight work and exit within a bound.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { createLogger, wantsPretty } from '../lib/logger.ts';
import { PipelineError } from '../lib/errors.ts';
import { createApp, ROLES, type Role } from './index.ts';
import { seedDemo } from './demo.ts';

const { values } = parseArgs({ options: { roles: { type: 'string' }, group: { type: 'string' } } });
const roles = (values.roles ? values.roles.split(',') : [...ROLES]) as Role[];
for (const r of roles) {
  if (!(ROLES as readonly string[]).includes(r)) {
    console.error(`kcc: unknown role "${r}"; roles are ${ROLES.join(', ')}`);
    process.exit(2);
  }
}

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(`kcc: ${(err as Error).message}`);
  process.exit(2);
}
// A terminal gets readable lines; anything else (a file, a pipe, a service manager) JSON lines.
const logger = createLogger({ level: config.logLevel, pretty: wantsPretty(process.stdout) });

try {
  const app = await createApp({ config, logger, roles, ...(values.group ? { groupId: values.group } : {}) });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    try {
      await app.stop(20_000);
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ code: (err as PipelineError).code }, (err as Error).message);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.start();
  if (config.workbench.demo && roles.includes('ingest')) {
    // First run of the demo: fictitious, [DEMO]-marked mails and a letter, if there is nothing yet (app/demo.ts).
    await seedDemo({ config, logger, caseCount: () => app.store.models.Case.countDocuments({}, { limit: 1 }) })
      .catch((err: unknown) => logger.warn({ code: (err as { code?: string }).code ?? (err as Error).name }, 'demo data not seeded'));
  }
  const wb = app.components.workbench;
  if (wb) {
    // The one thing a newcomer needs after `npm start`: where to go and how to sign in.
    process.stderr.write(`\nKCC-werkplek: ${config.workbench.publicUrl ?? wb.url}\n`);
    if (config.workbench.demo) {
      let password = '(see .local/secrets/demo-password)';
      try { password = readFileSync(path.join(config.localDir, 'secrets', 'demo-password'), 'utf8').trim(); } catch { /* printed as a hint */ }
      process.stderr.write(`demo sign-ins (demo mode only): eerstelijn, eerstelijn2 (first line), tweedelijn (second line), teamleider (team lead), privacy (privacy officer); password ${password}\n\n`);
    }
  }
  // Run by a parent with an IPC channel (the benchmarks, tests): say when ready, and answer
  // 'stats' with the components' counters and cumulative step times (no message content).
  if (process.send) {
    process.on('message', (m: unknown) => {
      if ((m as { type?: string } | null)?.type !== 'stats') return;
      const c = app.components;
      process.send!({ type: 'stats', ingestor: c.ingestor?.stats ?? null, processor: c.processor?.stats ?? null });
    });
    process.send('ready');
  }
} catch (err) {
  const e = err as PipelineError;
  logger.fatal({ code: e.code ?? 'START_FAILED' }, e.message);
  process.exit(1);
}
