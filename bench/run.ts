/**
 * `npm run bench -- <name>`: imports ./<name>.ts and calls its exported run().
 * Each benchmark prints a human table and, as its last line, one JSON object.
 */
const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: npm run bench -- <name>   (a file bench/<name>.ts exporting run())');
  process.exit(2);
}
const mod = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as { run?: () => Promise<object> };
if (typeof mod.run !== 'function') {
  console.error(`bench/${name}.ts does not export run()`);
  process.exit(2);
}
await mod.run();
// Benchmarks may leave pools or timers behind on failure; the result has been printed.
process.exit(0);
