#!/usr/bin/env node
// Fails when src/api/generated/schema.d.ts is not what `npm run generate` makes from ../openapi.json,
// so a changed API contract can never ship with a stale typed client.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi.json');
const committed = resolve(root, 'src/api/generated/schema.d.ts');
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');

if (!existsSync(committed)) {
  console.error(`generate:check: ${committed} is missing. Run \`npm run generate\` and commit it.`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'sanctum-schema-'));
try {
  const fresh = join(dir, 'schema.d.ts');
  const run = spawnSync(process.execPath, [cli, spec, '-o', fresh], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    console.error('generate:check: openapi-typescript failed:\n' + run.stdout + run.stderr);
    process.exit(1);
  }
  const want = readFileSync(fresh, 'utf8');
  const have = readFileSync(committed, 'utf8');
  if (want !== have) {
    const a = have.split('\n');
    const b = want.split('\n');
    let line = 0;
    while (line < Math.max(a.length, b.length) && a[line] === b[line]) line += 1;
    console.error(
      'generate:check: src/api/generated/schema.d.ts is out of date with ../openapi.json.\n' +
        `  first difference at line ${line + 1}:\n` +
        `    committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
        `    expected:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
        'Run `npm run generate` (or `make openapi`) and commit the result.',
    );
    process.exit(1);
  }
  console.log('generate:check: src/api/generated/schema.d.ts is up to date.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
