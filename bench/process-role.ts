/**
 * The pipeline's `process` role as `app/main.ts` runs it, without keeping the message's
 * HTML and attachments: the baseline against which `npm run bench -- email` measures what
 * keeping them costs (issue 16), in the same run as the real role.
 *
 * Why a bench file and not a flag or variable of app/main.ts: keeping the content is what
 * the issue requires, so production gets no switch that could turn it off. Only this file
 * passes `keepContent: false` (app/index.ts AppOptions). Same IPC as app/main.ts: 'ready',
 * and 'stats' answered with the processor's counters.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../lib/logger.ts';
import { createApp } from '../app/index.ts';

const { values } = parseArgs({ options: { group: { type: 'string' } } });
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, pretty: false });
const app = await createApp({ config, logger, roles: ['process'], keepContent: false, ...(values.group ? { groupId: values.group } : {}) });
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void app.stop(20_000).then(() => process.exit(0), () => process.exit(1));
});
await app.start();
process.on('message', (m: unknown) => {
  if ((m as { type?: string } | null)?.type !== 'stats') return;
  process.send!({ type: 'stats', ingestor: null, processor: app.components.processor?.stats ?? null });
});
process.send!('ready');
