/**
 * Every external program the repository runs is installed by the project itself.
 *
 * A green CI once hid a missing install step: `pdftotext` (Debian poppler-utils) was on the
 * machines where CI passed, nothing installed it, and a fresh machine failed every
 * replyletter test with `spawn pdftotext ENOENT`. This test reads the sources instead of the
 * machine: it lists the programs that the TypeScript/JavaScript code, tests and benchmarks
 * start through node:child_process with a literal name, and the commands the shell scripts
 * under scripts/ and .ci/ run, and requires each to be in PROGRAMS below with where it comes
 * from. A program from a Debian package must come from one that scripts/services.sh
 * installs (APT_PACKAGES), from Debian's base system, or be a prerequisite the README's
 * "Run it" section names. It passes or fails the same on any machine, whatever is installed.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

type Source =
  /** A Debian package that scripts/services.sh must install (`via`: the APT_PACKAGES entry that depends on it). */
  | { apt: string; via?: string }
  /** Debian 12 base system: an Essential or Priority "required" package (`dpkg-query -W -f='${Priority} ${Essential}'`), on every installation. */
  | { base: string }
  /** A prerequisite the README's "Run it" section names, with the words it uses. */
  | { readme: string }
  /** Built by scripts/services.sh itself. */
  | { built: string }
  /** Used only when present (`command -v` first); the script works without it. */
  | { optional: string };

/** Program -> where it comes from. A program the scan finds that is not here fails the test. */
const PROGRAMS: Record<string, Source> = {
  // test/unit/replyletter reads the letter back as a print shop's preflight would.
  pdftotext: { apt: 'poppler-utils' },
  // processors/content renders a citizen's PDF attachment to page images, time-bounded.
  pdftoppm: { apt: 'poppler-utils' },
  // bench/ocr.ts compares tesseract.js with the native engine.
  tesseract: { apt: 'tesseract-ocr' },
  // FerretDB's storage (scripts/services.sh).
  psql: { apt: 'postgresql', via: 'postgresql' },
  pg_ctl: { apt: 'postgresql', via: 'postgresql' },
  initdb: { apt: 'postgresql', via: 'postgresql' },
  postgres: { apt: 'postgresql', via: 'postgresql' },
  // The binaries are in dovecot-core, which dovecot-imapd and dovecot-lmtpd depend on.
  dovecot: { apt: 'dovecot-core', via: 'dovecot-imapd' },
  doveadm: { apt: 'dovecot-core', via: 'dovecot-imapd' },
  postfix: { apt: 'postfix' },
  // Names the process holding a taken port (priority "important": not on a minimal system).
  ss: { apt: 'iproute2' },
  node: { readme: 'Node 20' },
  npm: { readme: 'Node 20' },
  java: { readme: 'Java 17' },
  mvn: { readme: 'Maven' },
  go: { readme: 'Go' },
  ferretdb: { built: 'FerretDB from the Go module proxy' },
  // Stops the distribution's own Dovecot/Postfix/PostgreSQL units where systemd runs.
  systemctl: { optional: 'systemd' },
  bash: { base: 'bash' },
  sed: { base: 'sed' },
  grep: { base: 'grep' },
  awk: { base: 'mawk' },
  'apt-get': { base: 'apt' },
  'dpkg-query': { base: 'dpkg' },
  'debconf-set-selections': { base: 'debconf' },
  setsid: { base: 'util-linux' },
  runuser: { base: 'util-linux' },
  script: { base: 'bsdutils' },
  // Started by playwright-core from that path (executablePath), never downloaded.
  chromium: { apt: 'chromium' },
  rspamd: { apt: 'rspamd' },
  ...Object.fromEntries(
    ['base64', 'cat', 'chmod', 'chown', 'cp', 'dirname', 'head', 'id', 'ls', 'mkdir', 'mv', 'rm', 'sleep', 'sort', 'tail', 'touch', 'tr']
      .map((p) => [p, { base: 'coreutils' }]),
  ),
};

/** The base-system packages this test accepts (all Essential or Priority required in Debian 12). */
const BASE = new Set(['apt', 'bash', 'bsdutils', 'coreutils', 'debconf', 'dpkg', 'grep', 'mawk', 'sed', 'util-linux']);

/** Bash keywords and builtins: the shell runs them itself. */
const SHELL_BUILTINS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'while', 'until', 'do', 'done', 'in', 'function', 'select',
  '!', '{', '}', '[', '[[', ']]', 'time',
  '.', ':', 'alias', 'break', 'builtin', 'cd', 'command', 'continue', 'declare', 'echo', 'eval', 'exec', 'exit', 'export',
  'false', 'getopts', 'hash', 'kill', 'let', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'set', 'shift',
  'source', 'test', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unset', 'wait',
]);

/** Words after which the next word is again a command: `setsid java …`, services.sh's `as_pg "$bin/psql" …`. */
const PREFIXES = new Set(['setsid', 'exec', 'nohup', 'time', '!', 'then', 'else', 'elif', 'do', 'if', 'while', 'until', '{', 'as_pg']);

function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git' || name === '.local') continue;
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file, keep, out);
    else if (keep(file)) out.push(file);
  }
  return out;
}

export interface Use { program: string; file: string }

/**
 * Programs a TypeScript/JavaScript source starts with a literal name: the child_process
 * functions it imports (under their local names), and what `promisify` makes of them.
 * `process.execPath` (this Node) and computed names are not literals and not counted.
 */
export function spawnedInSource(text: string): string[] {
  if (!/from ['"](node:)?child_process['"]/.test(text)) return [];
  const names = new Set<string>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?child_process['"]/g)) {
    for (const part of m[1]!.split(',')) {
      const [orig, local] = part.replace(/\btype\s+/, '').trim().split(/\s+as\s+/);
      if (orig && /^(spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)$/.test(orig)) names.add(local ?? orig);
    }
  }
  for (const m of text.matchAll(/(?:const|let)\s+(\w+)\s*=\s*promisify\(\s*(\w+)\s*\)/g)) if (names.has(m[2]!)) names.add(m[1]!);
  const callee = [...names].map((n) => `\\b${n}|promisify\\(\\s*${n}\\s*\\)`).join('|');
  if (!callee) return [];
  const found: string[] = [];
  for (const m of text.matchAll(new RegExp(`(?:${callee})\\(\\s*(['"\`])([^'"\`$]+)\\1`, 'g'))) {
    // exec/execSync take a shell command line: its first word is the program.
    found.push(m[2]!.trim().split(/\s+/)[0]!);
  }
  return found;
}

/**
 * The commands a bash script runs: the first word of every simple command (after
 * assignments and prefixes like `setsid`), also inside `$( … )` and double-quoted strings,
 * not in comments, single quotes, heredoc bodies or `for … in` lists; `case` patterns and
 * the script's own functions are left out, `"$bin/psql"` counts as psql.
 */
export function commandsInScript(text: string): string[] {
  const functions = new Set<string>();
  text = text.replace(/^[ \t]*([A-Za-z_][\w-]*)[ \t]*\(\)[ \t]*\{/gm, (_, name: string) => {
    functions.add(name);
    return '{';
  });
  const out: string[] = [];
  type Skip = 'none' | 'redirect' | 'untilSep' | 'untilIn';
  interface Saved { word: string; wordStarted: boolean; atCommand: boolean; skipWords: Skip }
  // A stack of contexts: 'cmd' (top level, or a `$( … )` with the state it interrupted),
  // 'dq' (inside double quotes); `depth` counts `( … )` subshells open in a 'cmd'.
  const stack: Array<{ kind: 'cmd' | 'dq'; depth: number; saved?: Saved }> = [{ kind: 'cmd', depth: 0 }];
  let word = '';
  let wordStarted = false;
  let atCommand = true;
  let skipWords: Skip = 'none';
  let heredocs: string[] = [];
  let i = 0;
  const top = () => stack[stack.length - 1]!;

  const arrays = new Map<string, string[]>();
  let array: { name: string; words: string[] } | null = null;

  /** The program a command word names, or null for a builtin, a function, a variable's words. */
  const programOf = (w: string): string | null => {
    let name = w;
    if (name.startsWith('$')) {
      // "${psql[@]}": the command stored in an array (`local psql=(as_pg "$bin/psql" …)`).
      const stored = /^\$\{(\w+)\[@\]\}$/.exec(name);
      if (stored) {
        const words = (arrays.get(stored[1]!) ?? []).filter((x) => !PREFIXES.has(x));
        return words[0] ? programOf(words[0]) : null;
      }
      const slash = name.lastIndexOf('/');
      if (slash < 0) return null; // "$@", "$cmd": the words of a variable
      name = name.slice(slash + 1);
    }
    name = name.replace(/-\$.*$/, '');
    if (name.includes('/')) name = name.slice(name.lastIndexOf('/') + 1);
    if (!/^[\w.+-]+$/.test(name) || SHELL_BUILTINS.has(name) || functions.has(name) || /^\d+$/.test(name)) return null;
    return name;
  };

  const endWord = (): void => {
    if (!wordStarted) return;
    const w = word;
    word = '';
    wordStarted = false;
    if (array) { array.words.push(w); return; }
    if (skipWords === 'redirect') { skipWords = 'none'; return; }
    if (skipWords === 'untilIn') { if (w === 'in') { skipWords = 'none'; atCommand = true; } return; }
    if (skipWords === 'untilSep') return;
    if (!atCommand) return;
    if (/^[A-Za-z_]\w*(\[[^\]]*\])?\+?=/.test(w)) return; // an assignment before the command
    if (w === 'for' || w === 'select') { skipWords = 'untilSep'; atCommand = false; return; }
    if (w === 'case') { skipWords = 'untilIn'; atCommand = false; return; }
    if (PREFIXES.has(w)) return;
    atCommand = false;
    const name = programOf(w);
    if (name) out.push(name);
  };
  const separator = (): void => {
    endWord();
    if (skipWords === 'untilSep') skipWords = 'none';
    atCommand = true;
  };

  while (i < text.length) {
    const c = text[i]!;
    const ctx = top();
    if (ctx.kind === 'dq') {
      if (c === '\\') { word += text[i + 1] ?? ''; i += 2; continue; }
      if (c === '"') { stack.pop(); i += 1; continue; }
      if (c === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
        const saved: Saved = { word, wordStarted, atCommand, skipWords };
        word = ''; wordStarted = false; atCommand = true; skipWords = 'none';
        stack.push({ kind: 'cmd', depth: 0, saved });
        i += 2;
        continue;
      }
      word += c;
      i += 1;
      continue;
    }
    // cmd context
    if (c === '\\') {
      if (text[i + 1] === '\n') { i += 2; continue; }
      word += text[i + 1] ?? ''; wordStarted = true; i += 2; continue;
    }
    if (c === '#' && !wordStarted) { while (i < text.length && text[i] !== '\n') i += 1; continue; }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end); wordStarted = true; i = end + 1; continue;
    }
    if (c === '"') { wordStarted = true; stack.push({ kind: 'dq', depth: 0 }); i += 1; continue; }
    if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      word += text.slice(i, end + 1); wordStarted = true; i = end + 1; continue;
    }
    if (c === '$' && text[i + 1] === '(' && text[i + 2] === '(') {
      const end = text.indexOf('))', i);
      word += '$'; wordStarted = true; i = end + 2; continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      const saved: Saved = { word: word + '$', wordStarted: true, atCommand, skipWords };
      word = ''; wordStarted = false; atCommand = true; skipWords = 'none';
      stack.push({ kind: 'cmd', depth: 0, saved });
      i += 2;
      continue;
    }
    if (c === '\n') {
      separator();
      for (const delim of heredocs) {
        // Skip the heredoc body, up to and including its delimiter line.
        const re = new RegExp(`^[ \\t]*${delim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*$`, 'm');
        const m = re.exec(text.slice(i + 1));
        i = m ? i + 1 + m.index + m[0].length : text.length;
      }
      heredocs = [];
      i += 1;
      continue;
    }
    if (c === ' ' || c === '\t') { endWord(); i += 1; continue; }
    if (c === '<' || c === '>') {
      if (/^\d+$/.test(word)) { word = ''; wordStarted = false; } else endWord();
      if (c === '<' && text.startsWith('<<', i) && text[i + 2] !== '<') {
        const m = /^<<-?[ \t]*['"]?(\w+)['"]?/.exec(text.slice(i));
        if (m) { heredocs.push(m[1]!); i += m[0].length; continue; }
      }
      i += 1;
      while (text[i] === '<' || text[i] === '>' || text[i] === '&') i += 1;
      if (/\d/.test(text[i] ?? '') && text[i - 1] === '&') { while (/\d/.test(text[i] ?? '')) i += 1; continue; } // 2>&1
      skipWords = 'redirect';
      continue;
    }
    if (c === ';' || c === '|' || c === '&') { separator(); i += 1; continue; }
    if (c === '(') {
      const assign = /^([A-Za-z_]\w*)=$/.exec(word);
      if (assign && !array) {
        // name=( … ): an array, not a subshell; kept in case it is run as "${name[@]}".
        array = { name: assign[1]!, words: [] };
        word = ''; wordStarted = false;
        i += 1;
        continue;
      }
      separator();
      ctx.depth += 1;
      i += 1;
      continue;
    }
    if (c === ')') {
      if (array) {
        endWord();
        arrays.set(array.name, array.words);
        array = null;
        i += 1;
        continue;
      }
      if (ctx.depth > 0) { separator(); ctx.depth -= 1; i += 1; continue; }
      if (stack.length > 1) {
        endWord();
        ({ word, wordStarted, atCommand, skipWords } = stack.pop()!.saved!);
        i += 1;
        continue;
      }
      // A `case` pattern: what came before was not a command.
      word = ''; wordStarted = false; atCommand = true;
      i += 1;
      continue;
    }
    word += c;
    wordStarted = true;
    i += 1;
  }
  endWord();
  return out;
}

/** Every use found in the repository, with the file (relative) it is in. */
function uses(): Use[] {
  const found: Use[] = [];
  const rel = (f: string) => path.relative(ROOT, f);
  // Not this file: its own examples of child_process calls are test data.
  const self = fileURLToPath(import.meta.url);
  const sources = walk(ROOT, (f) => /\.(ts|js|mjs|cjs)$/.test(f) && f !== self);
  for (const file of sources) for (const program of spawnedInSource(readFileSync(file, 'utf8'))) found.push({ program, file: rel(file) });
  const scripts = [...walk(path.join(ROOT, 'scripts'), (f) => f.endsWith('.sh')), ...walk(path.join(ROOT, '.ci'), () => true)];
  for (const file of scripts) {
    const text = readFileSync(file, 'utf8');
    if (!/^#!.*\b(ba)?sh\b/.test(text)) continue;
    for (const program of commandsInScript(text)) found.push({ program, file: rel(file) });
  }
  return found;
}

function aptPackages(): string[] {
  const m = /^APT_PACKAGES=\(([^)]*)\)/m.exec(readFileSync(path.join(ROOT, 'scripts/services.sh'), 'utf8'));
  if (!m) throw new Error('scripts/services.sh has no APT_PACKAGES=(…) line');
  return m[1]!.trim().split(/\s+/);
}

function runItSection(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /^## Run it\n([\s\S]*?)^## /m.exec(readme);
  if (!m) throw new Error('README.md has no "## Run it" section');
  return m[1]!.replace(/\s+/g, ' ');
}

/** Why a program is not provided, or null when it is. */
export function problem(program: string, where: string[], apt: readonly string[], runIt: string): string | null {
  const source = PROGRAMS[program];
  if (!source) return `${program} (run by ${where.join(', ')}) is not in PROGRAMS: add it with the Debian package it comes from`;
  if ('apt' in source) {
    const entry = source.via ?? source.apt;
    if (!apt.includes(entry)) {
      return `${program} (run by ${where.join(', ')}) comes from Debian package ${source.apt}, which scripts/services.sh does not install: add ${entry} to APT_PACKAGES`;
    }
  }
  if ('base' in source && !BASE.has(source.base)) return `${program}: ${source.base} is not a Debian base-system package`;
  if ('readme' in source && !new RegExp(`\\b${source.readme.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(runIt)) {
    return `${program} (run by ${where.join(', ')}) needs ${source.readme}, which the README's "Run it" section does not name`;
  }
  return null;
}

describe('external programs the repository runs', function () {
  const found = uses();
  const byProgram = new Map<string, string[]>();
  for (const u of found) byProgram.set(u.program, [...new Set([...(byProgram.get(u.program) ?? []), u.file])]);

  it('the scan finds the programs known to be run (so an empty scan cannot pass)', function () {
    for (const p of ['pdftotext', 'tesseract', 'bash', 'node', 'java', 'mvn', 'go', 'psql', 'pg_ctl', 'initdb', 'dovecot', 'postfix', 'runuser', 'ss', 'ferretdb', 'npm']) {
      expect(byProgram.has(p), `${p} not found by the scan`).to.equal(true);
    }
    // Not programs: functions of services.sh, case patterns, for-lists, heredoc lines, builtins.
    for (const p of ['say', 'die', 'install_apt', 'install', 'up', 'postgresql', 'listen_addresses', 'process.roles', 'echo', 'local']) {
      expect(byProgram.has(p), `${p} wrongly taken for a program`).to.equal(false);
    }
  });

  it('each comes from scripts/services.sh, the base system or a README prerequisite', function () {
    const apt = aptPackages();
    const runIt = runItSection();
    const problems = [...byProgram].map(([program, where]) => problem(program, where, apt, runIt)).filter((p): p is string => p !== null);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('names the program and the package when a package is missing', function () {
    expect(problem('pdftotext', ['test/unit/replyletter/replyletter.test.ts'], ['postgresql'], ''))
      .to.equal('pdftotext (run by test/unit/replyletter/replyletter.test.ts) comes from Debian package poppler-utils, which scripts/services.sh does not install: add poppler-utils to APT_PACKAGES');
    expect(problem('unheard-of', ['x.sh'], [], '')).to.match(/^unheard-of \(run by x\.sh\) is not in PROGRAMS/);
    expect(problem('go', ['scripts/services.sh'], [], 'Node 20 only')).to.match(/needs Go, which the README/);
  });

  it('reads child_process calls under their local and promisified names', function () {
    const src = `import { execFile, spawn as run2 } from 'node:child_process';\nconst run = promisify(execFile);\n` +
      `await run('pdftotext', []); run2("tesseract", []); await promisify(execFile)('qpdf', []); execFile(process.execPath, []);\n` +
      `/x/.exec('notaprogram');`;
    expect(spawnedInSource(src)).to.deep.equal(['pdftotext', 'tesseract', 'qpdf']);
  });

  it('reads the commands of a bash script', function () {
    const script = [
      '#!/usr/bin/env bash',
      'X=$(sed -n p file) # comment: rm everything',
      'helper() { echo "$(uname -r)"; }',
      'for p in alpha beta; do dpkg-query -W "$p" 2>/dev/null | grep -q ok || true; done',
      'cat >"$f" <<EOF',
      'notacommand here',
      'EOF',
      'case "$1" in',
      '  up) helper ;;',
      '  *) echo "usage" >&2; exit 2 ;;',
      'esac',
      'A=1 setsid "$bin/pg_ctl" start',
      'PKGS=(postgresql postfix)',
      'local q=(as_pg "$bin/psql" -qAt)',
      '"${q[@]}" -c "select 1"',
      "awk 'NR==2{print $6}'",
    ].join('\n');
    expect(commandsInScript(script)).to.deep.equal(['sed', 'uname', 'dpkg-query', 'grep', 'cat', 'pg_ctl', 'psql', 'awk']);
  });
});
