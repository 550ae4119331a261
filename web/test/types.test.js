import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

test('heliograph.d.ts compiles under strict TypeScript and types a page\'s usage', () => {
  const tsc = path.join(here, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'es2022',
      '--moduleResolution', 'bundler', '--lib', 'es2022,dom', '--skipLibCheck', 'false', path.join(here, 'types', 'usage.ts')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported:\n${e.stdout}${e.stderr}`);
  }
});
