/**
 * `PaddedText`: the text a file linted on its own is linted as, with spaces before every `;`, so
 * that typing in one statement leaves the others at their offsets. What the engine reports on it is
 * moved back to the file's own offsets.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/engine/findings';
import { ParseCache } from '../../server/src/engine/lint';
import { PaddedText, paddedText } from '../../server/src/engine/padded';
import { loadSqlParser } from '../../server/src/engine/parse/sql';

before(async () => {
  await loadSqlParser();
});

const FILE = 'CREATE TABLE a (id int);\nCREATE TABLE b (name text);\n-- done\n';

/** The padded text without its pads' spaces, checking that each stands right before a `;`. */
function unpadded(padded: string): string {
  return padded.replace(/ +;/g, (m) => (m.length > 16 ? ';' : m));
}

describe('PaddedText', () => {
  test('pads every statement of the first text, and moves offsets back to the file', () => {
    const pad = new PaddedText();
    const padded = pad.update(FILE, undefined);
    assert.equal(unpadded(padded), FILE);
    assert.match(padded, /CREATE TABLE a \(id int\) {32};\nCREATE TABLE b \(name text\) {32};\n-- done\n$/);
    const b = padded.indexOf('CREATE TABLE b');
    assert.equal(pad.toFile(b), FILE.indexOf('CREATE TABLE b'));
    // Inside a pad: where the pad stands, before its `;`.
    assert.equal(pad.toFile(padded.indexOf(') ') + 5), FILE.indexOf(';'));
    assert.equal(pad.toFile(padded.length), FILE.length);
  });

  test('typing in a statement takes from its pad; the other statements stay where they were', async () => {
    const parses = new ParseCache();
    const pad = new PaddedText();
    const first = await paddedText(pad, 's.sql', FILE, parses);
    const b = first.indexOf('CREATE TABLE b');
    const typed = FILE.replace('(id int)', '(idx int)');
    const second = await paddedText(pad, 's.sql', typed, parses);
    assert.equal(second.length, first.length);
    assert.equal(second.indexOf('CREATE TABLE b'), b);
    assert.equal(unpadded(second), typed);
    // Deleting gives it back.
    const third = await paddedText(pad, 's.sql', FILE, parses);
    assert.equal(third, first);
    // A paste longer than the pad: the pads are made again, the text is still the file's.
    const pasted = FILE.replace('(id int', `(id int, ${'x int, '.repeat(60)}y int`);
    const fourth = await paddedText(pad, 's.sql', pasted, parses);
    assert.equal(unpadded(fourth), pasted);
    assert.equal(pad.toFile(fourth.indexOf('CREATE TABLE b')), pasted.indexOf('CREATE TABLE b'));
  });

  test('a line break between statements is taken by the next statement', async () => {
    const parses = new ParseCache();
    const pad = new PaddedText();
    const first = await paddedText(pad, 's.sql', FILE, parses);
    const second = await paddedText(
      pad,
      's.sql',
      FILE.replace(';\nCREATE TABLE b', ';\n\nCREATE TABLE b'),
      parses,
    );
    assert.equal(second.length, first.length);
    assert.equal(second.indexOf('-- done'), first.indexOf('-- done'));
  });

  test('a quote that takes a `;` into a literal takes no pad with it', async () => {
    const parses = new ParseCache();
    const pad = new PaddedText();
    const text = "COMMENT ON TABLE a IS 'x';\nCOMMENT ON TABLE b IS 'y';\n";
    await paddedText(pad, 's.sql', text, parses);
    // Now the literal runs from 'x' to the next quote: `x';\nCOMMENT ON TABLE b IS `.
    const opened = text.replace("'x'", "'x");
    const padded = await paddedText(pad, 's.sql', opened, parses);
    const literal = padded.slice(padded.indexOf("'x"), padded.indexOf("IS 'y") + 3);
    assert.doesNotMatch(literal, / {2}/, 'no pad inside the literal');
    assert.equal(unpadded(padded), opened);
  });

  test('findings move back to the file: ranges, fixes, related places, quoted text', () => {
    const pad = new PaddedText();
    const padded = pad.update(FILE, undefined);
    const at = (s: string) => padded.indexOf(s);
    const fileAt = (s: string) => FILE.indexOf(s);
    const semicolonB = padded.lastIndexOf(';');
    const finding: Finding = {
      ruleId: 'syntax-error',
      severity: 'error',
      message: `syntax error at or near "${padded.slice(at('text)'), semicolonB + 1)}…"`,
      file: 's.sql',
      start: at('text)'),
      end: semicolonB,
      fixes: [
        {
          title: 'fix',
          edits: [
            { file: 's.sql', start: semicolonB - 3, end: semicolonB - 3, newText: ' NOT NULL' },
            { file: 'other.sql', start: 500, end: 500, newText: 'x' },
          ],
        },
      ],
      related: [
        { file: 's.sql', start: at('CREATE TABLE b'), end: at('CREATE TABLE b') + 6, message: 'here' },
      ],
    };
    const moved = pad.findingToFile(finding, 's.sql');
    assert.equal(moved.start, fileAt('text)'));
    assert.equal(moved.end, FILE.lastIndexOf(';'));
    assert.equal(moved.message, 'syntax error at or near "text);…"');
    assert.deepEqual(
      moved.fixes[0].edits.map((e) => [e.file, e.start, e.end]),
      [
        ['s.sql', FILE.lastIndexOf(';'), FILE.lastIndexOf(';')],
        ['other.sql', 500, 500],
      ],
    );
    assert.deepEqual(
      [moved.related![0].start, moved.related![0].end],
      [fileAt('CREATE TABLE b'), fileAt('CREATE TABLE b') + 6],
    );
    assert.equal(finding.start, at('text)'), 'the finding itself is left as it was');
  });
});
