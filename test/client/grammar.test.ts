/**
 * The injection grammar (syntaxes/db-expert-directives.tmLanguage.json), tokenized by the same
 * TextMate engine VS Code uses (vscode-textmate + Oniguruma), injected into stand-ins of the SQL
 * and Prisma grammars whose comment rules copy the real ones: VS Code's built-in SQL grammar
 * (`comment.line.double-dash.sql` from `--` to the line end, nested `comment.block` for `/* *\/`)
 * and the Prisma extension's (`comment.prisma` for `//` and `///`). The e2e test checks the same
 * grammar against VS Code's real SQL grammar in code-server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const contributed = manifest.contributes.grammars.find(
  (g: { scopeName: string }) => g.scopeName === 'db-expert.directives.injection',
);

const sqlStandIn = {
  scopeName: 'source.sql',
  patterns: [
    {
      begin: '(^[ \\t]+)?(?=--)',
      end: '(?!\\G)',
      patterns: [
        {
          begin: '--',
          beginCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
          end: '\\n',
          name: 'comment.line.double-dash.sql',
        },
      ],
    },
    { include: '#comment-block' },
    { match: "'[^']*'", name: 'string.quoted.single.sql' },
    { match: '(?i)\\b(create|table|select|from)\\b', name: 'keyword.other.sql' },
  ],
  repository: {
    'comment-block': {
      begin: '/\\*',
      captures: { 0: { name: 'punctuation.definition.comment.sql' } },
      end: '\\*/',
      name: 'comment.block',
      patterns: [{ include: '#comment-block' }],
    },
  },
};
const prismaStandIn = {
  scopeName: 'source.prisma',
  patterns: [
    { begin: '///', end: '$\\n?', name: 'comment.prisma' },
    { begin: '//', end: '$\\n?', name: 'comment.prisma' },
    { match: '\\b(model|enum)\\b', name: 'storage.type.model.prisma' },
  ],
};

let registry: textmate.Registry;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === 'source.sql') return textmate.parseRawGrammar(JSON.stringify(sqlStandIn), 'sql.json');
      if (scopeName === 'source.prisma')
        return textmate.parseRawGrammar(JSON.stringify(prismaStandIn), 'prisma.json');
      if (scopeName === contributed.scopeName) {
        return textmate.parseRawGrammar(readFileSync(contributed.path, 'utf8'), contributed.path);
      }
      return null;
    },
    // What VS Code does with `injectTo`.
    getInjections: (scopeName: string) =>
      contributed.injectTo.includes(scopeName) ? [contributed.scopeName] : undefined,
  });
});

/** Tokens of one line as `text` → innermost scope, dropping whitespace-only tokens. */
async function tokens(scope: string, text: string): Promise<[string, string][]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar);
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, Math.min(t.endIndex, line.length));
      if (s.trim()) out.push([s, t.scopes[t.scopes.length - 1]]);
    }
    state = r.ruleStack;
  }
  return out;
}

const KEYWORD = 'keyword.control.directive.db-expert';
const RULE = 'variable.parameter.rule.db-expert';

describe('directive grammar', () => {
  it('is contributed as an injection into SQL and Prisma', () => {
    assert.equal(contributed.path, './syntaxes/db-expert-directives.tmLanguage.json');
    assert.deepEqual([...contributed.injectTo].sort(), ['source.prisma', 'source.sql']);
    const grammar = JSON.parse(readFileSync(contributed.path, 'utf8'));
    assert.equal(grammar.scopeName, contributed.scopeName);
  });

  it('SQL line comment: directive, rule ids, reason left a comment', async () => {
    const t = await tokens(
      'source.sql',
      '-- db-expert-disable-next-line float-for-money, prefer-identity -- legacy',
    );
    assert.deepEqual(t, [
      ['--', 'punctuation.definition.comment.sql'],
      ['db-expert-disable-next-line', KEYWORD],
      ['float-for-money', RULE],
      [',', 'punctuation.separator.rule.db-expert'],
      ['prefer-identity', RULE],
      ['-- legacy', 'comment.line.double-dash.sql'],
    ]);
  });

  it('SQL: disable and enable, with and without ids, space-separated ids', async () => {
    assert.deepEqual(await tokens('source.sql', '-- db-expert-disable'), [
      ['--', 'punctuation.definition.comment.sql'],
      ['db-expert-disable', KEYWORD],
    ]);
    assert.deepEqual(await tokens('source.sql', '--db-expert-enable a-rule other_rule'), [
      ['--', 'punctuation.definition.comment.sql'],
      ['db-expert-enable', KEYWORD],
      ['a-rule', RULE],
      ['other_rule', RULE],
    ]);
  });

  it('SQL block comment, up to its end', async () => {
    const t = await tokens(
      'source.sql',
      "/* db-expert-disable missing-audit-columns */ CREATE TABLE t ('x');",
    );
    assert.deepEqual(t.slice(0, 4), [
      ['/*', 'punctuation.definition.comment.sql'],
      ['db-expert-disable', KEYWORD],
      ['missing-audit-columns', RULE],
      ['*/', 'punctuation.definition.comment.sql'],
    ]);
    assert.deepEqual(t[4], ['CREATE', 'keyword.other.sql']);
  });

  it('SQL: not a directive unless it opens the comment, nor outside comments', async () => {
    assert.deepEqual(await tokens('source.sql', '-- see db-expert-disable in the docs'), [
      ['--', 'punctuation.definition.comment.sql'],
      [' see db-expert-disable in the docs', 'comment.line.double-dash.sql'],
    ]);
    assert.deepEqual(await tokens('source.sql', "SELECT 'db-expert-disable x'"), [
      ['SELECT', 'keyword.other.sql'],
      ["'db-expert-disable x'", 'string.quoted.single.sql'],
    ]);
    assert.deepEqual(await tokens('source.sql', '-- db-expert-disabled x'), [
      ['--', 'punctuation.definition.comment.sql'],
      [' db-expert-disabled x', 'comment.line.double-dash.sql'],
    ]);
  });

  it('Prisma // and /// comments', async () => {
    assert.deepEqual(await tokens('source.prisma', '// db-expert-disable-next-line prefer-identity -- why'), [
      ['//', 'comment.prisma'],
      ['db-expert-disable-next-line', KEYWORD],
      ['prefer-identity', RULE],
      ['-- why', 'comment.prisma'],
    ]);
    assert.deepEqual(await tokens('source.prisma', '  /// db-expert-disable'), [
      ['///', 'comment.prisma'],
      ['db-expert-disable', KEYWORD],
    ]);
  });
});
