#!/usr/bin/env node
// Fails when a generated file under src/api/generated is not what `npm run generate` makes from its
// source: schema.d.ts from ../openapi.json (openapi-typescript), realtime.d.ts from
// ../docs/realtime.schema.json (json-schema-to-typescript). So a changed API or realtime contract can
// never ship with stale client types.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const bin = (pkg, path) => join(dirname(require.resolve(`${pkg}/package.json`)), path);

const generated = [
  {
    file: 'src/api/generated/schema.d.ts',
    source: '../openapi.json',
    args: (out) => [bin('openapi-typescript', 'bin/cli.js'), resolve(root, '../openapi.json'), '-o', out],
  },
  {
    file: 'src/api/generated/realtime.d.ts',
    source: '../docs/realtime.schema.json',
    args: (out) => [
      bin('json-schema-to-typescript', 'dist/src/cli.js'),
      '-i',
      resolve(root, '../docs/realtime.schema.json'),
      '-o',
      out,
      '--no-additionalProperties',
      '--unreachableDefinitions',
    ],
  },
];

const dir = mkdtempSync(join(tmpdir(), 'sanctum-generated-'));
let failed = false;
try {
  for (const { file, source, args } of generated) {
    const committed = resolve(root, file);
    if (!existsSync(committed)) {
      console.error(`generate:check: ${file} is missing. Run \`npm run generate\` and commit it.`);
      failed = true;
      continue;
    }
    const fresh = join(dir, file.split('/').pop());
    const run = spawnSync(process.execPath, args(fresh), { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) {
      console.error(`generate:check: generating ${file} failed:\n` + run.stdout + run.stderr);
      failed = true;
      continue;
    }
    const want = readFileSync(fresh, 'utf8');
    const have = readFileSync(committed, 'utf8');
    if (want !== have) {
      const a = have.split('\n');
      const b = want.split('\n');
      let line = 0;
      while (line < Math.max(a.length, b.length) && a[line] === b[line]) line += 1;
      console.error(
        `generate:check: ${file} is out of date with ${source}.\n` +
          `  first difference at line ${line + 1}:\n` +
          `    committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
          `    expected:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
          'Run `npm run generate` (or `make openapi`) and commit the result.',
      );
      failed = true;
      continue;
    }
    console.log(`generate:check: ${file} is up to date.`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
