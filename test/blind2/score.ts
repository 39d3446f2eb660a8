/**
 * Scores the second blind held-out set (issue 13) with the first set's scorer
 * (test/blind/score.ts: the same pipeline calls, matching and tables), on this directory's files:
 *   node --import tsx test/blind2/score.ts [--json] [--cases] [--only ID,ID]
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreSet } from '../blind/score.ts';

await scoreSet(dirname(fileURLToPath(import.meta.url)), 'blind2 set');
