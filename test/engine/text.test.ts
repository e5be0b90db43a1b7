import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteMap, LineIndex } from '../../server/src/engine/text';

/** UTF-8 byte offset of each UTF-16 offset, the slow and obvious way. */
function byteOf(text: string, offset: number): number {
  return Buffer.byteLength(text.slice(0, offset));
}

/** UTF-16 offsets where a character starts (not the second unit of a surrogate pair). */
function charStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    out.push(i);
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
  }
  out.push(text.length);
  return out;
}

const TEXTS: { name: string; text: string }[] = [
  { name: 'empty', text: '' },
  { name: 'ASCII', text: 'create table t (id int);\nselect 1;' },
  { name: '2-byte characters', text: "select 'é', 'ñandú' from año;" },
  { name: '3-byte characters', text: "comment on table t is '日本語のテーブル';" },
  { name: '4-byte characters (surrogate pairs)', text: "select '😀', '𝄞' as \"𝔘\";" },
  { name: 'everything mixed', text: "é日😀a\né\n😀😀 x 'ü' 中" },
  { name: 'a pair at the very end', text: 'ab😀' },
  { name: 'a pair at the very start', text: '😀ab' },
];

describe('ByteMap', () => {
  for (const { name, text } of TEXTS) {
    test(`toByte/toUtf16 round-trip: ${name}`, () => {
      const map = new ByteMap(text);
      for (const offset of charStarts(text)) {
        const byte = byteOf(text, offset);
        assert.equal(map.toByte(offset), byte, `toByte(${offset})`);
        assert.equal(map.toUtf16(byte), offset, `toUtf16(${byte})`);
      }
    });
  }

  test('ASCII text is the identity', () => {
    const map = new ByteMap('select 1;');
    assert.equal(map.isAscii, true);
    assert.equal(map.toByte(5), 5);
    assert.equal(map.toUtf16(5), 5);
    assert.equal(new ByteMap('é').isAscii, false);
  });

  const inside: { name: string; text: string; byte: number; utf16: number }[] = [
    { name: 'second byte of é', text: 'aéb', byte: 2, utf16: 1 },
    { name: 'third byte of 日', text: 'a日b', byte: 3, utf16: 1 },
    { name: 'fourth byte of 😀', text: 'a😀b', byte: 4, utf16: 1 },
    { name: 'the byte after 😀', text: 'a😀b', byte: 5, utf16: 3 },
    { name: 'past the end', text: 'é', byte: 10, utf16: 9 },
  ];
  for (const c of inside) {
    test(`a byte inside a character maps to its start: ${c.name}`, () => {
      assert.equal(new ByteMap(c.text).toUtf16(c.byte), c.utf16);
    });
  }

  test('an offset between the two units of a surrogate pair maps to the pair start', () => {
    const map = new ByteMap('a😀b');
    assert.equal(map.toByte(2), 1);
    assert.equal(map.toByte(3), 5);
  });

  test('a lone surrogate counts as U+FFFD (3 bytes), as the parser receives it', () => {
    const text = 'a\uD800b\uDC00c';
    const map = new ByteMap(text);
    assert.equal(map.toByte(2), 4);
    assert.equal(map.toByte(4), 8);
    assert.equal(map.toUtf16(8), 4);
    assert.equal(map.toByte(5), Buffer.byteLength('a\uFFFDb\uFFFDc'));
  });

  const cursors: { text: string; cp: number; utf16: number }[] = [
    { text: 'select 1', cp: 7, utf16: 7 },
    { text: "select 'é' x", cp: 11, utf16: 11 },
    { text: "select '😀' x", cp: 11, utf16: 12 },
    { text: '😀😀x', cp: 2, utf16: 4 },
    { text: '😀😀x', cp: 1, utf16: 2 },
    { text: 'a😀b😀c', cp: 4, utf16: 6 },
  ];
  for (const c of cursors) {
    test(`codePointToUtf16(${c.cp}) in ${JSON.stringify(c.text)}`, () => {
      assert.equal(new ByteMap(c.text).codePointToUtf16(c.cp), c.utf16);
      assert.equal(c.text.slice(c.utf16), [...c.text].slice(c.cp).join(''));
    });
  }
});

describe('LineIndex', () => {
  const positions: { name: string; text: string; offset: number; line: number; character: number }[] = [
    { name: 'start', text: 'ab\ncd', offset: 0, line: 0, character: 0 },
    { name: 'end of first line', text: 'ab\ncd', offset: 2, line: 0, character: 2 },
    { name: 'start of second line', text: 'ab\ncd', offset: 3, line: 1, character: 0 },
    { name: 'end of text', text: 'ab\ncd', offset: 5, line: 1, character: 2 },
    { name: 'past the end is clamped', text: 'ab\ncd', offset: 99, line: 1, character: 2 },
    { name: 'negative is clamped', text: 'ab\ncd', offset: -4, line: 0, character: 0 },
    { name: 'empty text', text: '', offset: 0, line: 0, character: 0 },
    { name: 'after a trailing newline', text: 'ab\n', offset: 3, line: 1, character: 0 },
    { name: 'CRLF: the \\r is the line end', text: 'ab\r\ncd', offset: 2, line: 0, character: 2 },
    { name: 'CRLF: the \\n belongs to the line end', text: 'ab\r\ncd', offset: 3, line: 0, character: 2 },
    { name: 'CRLF: next line', text: 'ab\r\ncd', offset: 5, line: 1, character: 1 },
    { name: 'UTF-16 columns after é', text: 'x\néa', offset: 3, line: 1, character: 1 },
    { name: 'UTF-16 columns after 😀', text: 'x\n😀a', offset: 4, line: 1, character: 2 },
    { name: 'UTF-16 columns after 日本', text: '日本x', offset: 2, line: 0, character: 2 },
  ];
  for (const c of positions) {
    test(`position: ${c.name}`, () => {
      const index = new LineIndex(c.text);
      assert.deepEqual(index.position(c.offset), { line: c.line, character: c.character });
    });
  }

  const offsets: { name: string; text: string; line: number; character: number; offset: number }[] = [
    { name: 'first line', text: 'ab\ncd', line: 0, character: 1, offset: 1 },
    { name: 'second line', text: 'ab\ncd', line: 1, character: 1, offset: 4 },
    { name: 'character past the line end is clamped', text: 'ab\ncd', line: 0, character: 9, offset: 2 },
    { name: 'line past the end', text: 'ab\ncd', line: 7, character: 0, offset: 5 },
    { name: 'negative line', text: 'ab\ncd', line: -1, character: 3, offset: 0 },
    { name: 'CRLF line end excludes the \\r', text: 'ab\r\ncd', line: 0, character: 9, offset: 2 },
    { name: 'surrogate pair', text: '😀\n😀b', line: 1, character: 2, offset: 5 },
  ];
  for (const c of offsets) {
    test(`offset: ${c.name}`, () => {
      assert.equal(new LineIndex(c.text).offset({ line: c.line, character: c.character }), c.offset);
    });
  }

  test('offset and position are inverse on every character of mixed text', () => {
    const text = 'é日😀a\r\né\n\n😀😀 x\n';
    const index = new LineIndex(text);
    for (const offset of charStarts(text)) {
      if (text[offset - 1] === '\r') continue; // the \n of a CRLF has no position of its own
      assert.equal(index.offset(index.position(offset)), offset, `offset ${offset}`);
    }
  });

  test('lineCount, lineStart and lineEnd', () => {
    const index = new LineIndex('a\r\nbc\n\nd');
    assert.equal(index.lineCount, 4);
    assert.deepEqual(
      [0, 1, 2, 3].map((l) => [index.lineStart(l), index.lineEnd(l)]),
      [
        [0, 1],
        [3, 5],
        [6, 6],
        [7, 8],
      ],
    );
    assert.equal(index.lineStart(99), 7);
  });
});
