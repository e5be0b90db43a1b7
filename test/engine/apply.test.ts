import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/engine/fixes/apply';

const edit = (start: number, end: number, newText: string) => ({ file: 'f.sql', start, end, newText });

test('edits apply in text order, whatever order they come in', () => {
  assert.equal(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A')]).text, 'AbcdEf');
});

test('inserts at one offset keep the order they were given in', () => {
  assert.equal(applyEdits('ab', [edit(1, 1, '1'), edit(1, 1, '2')]).text, 'a12b');
});

test('an edit that overlaps an earlier one is skipped, not merged', () => {
  const r = applyEdits('abcdef', [edit(2, 4, 'X'), edit(3, 5, 'Y'), edit(3, 3, 'Z')]);
  assert.equal(r.text, 'abXef');
  assert.deepEqual(r.skipped, [edit(3, 5, 'Y'), edit(3, 3, 'Z')]);
});

test('an insert at the edge of a replacement is not an overlap', () => {
  assert.equal(applyEdits('abcdef', [edit(2, 4, 'X'), edit(2, 2, '<'), edit(4, 4, '>')]).text, 'ab<X>ef');
});

test('no edits: the text as it was', () => {
  assert.deepEqual(applyEdits('abc', []), { text: 'abc', skipped: [] });
});
