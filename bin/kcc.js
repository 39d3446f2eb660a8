#!/usr/bin/env node
// Entry point for `kcc` / `npx kcc`: loads the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
