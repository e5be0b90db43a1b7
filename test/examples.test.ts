/** The bundled examples: the bad schema shows every rule, the good one shows none. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintProject } from '../server/src/engine/lint';
import { allRules } from '../server/src/engine/rules';

function readTree(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path: path.replace(/\\/g, '/'), text: readFileSync(path, 'utf8') };
    });
}

test('examples/good has no finding at all', async () => {
  const { findings } = await lintProject(readTree('examples/good'));
  assert.deepEqual(
    findings.map((f) => `${f.file}:${f.start} ${f.ruleId}: ${f.message}`),
    [],
  );
});

test('examples/bad triggers every rule at least once', async () => {
  const { findings } = await lintProject(readTree('examples/bad'));
  const fired = new Set(findings.map((f) => f.ruleId));
  const schemaDesign = allRules.filter(
    (r) => r.meta.category === 'schema design' || r.meta.category === 'syntax',
  );
  assert.deepEqual(
    schemaDesign.map((r) => r.meta.id).filter((id) => !fired.has(id)),
    [],
  );
});
