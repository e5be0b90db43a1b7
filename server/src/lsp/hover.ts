/**
 * Hover texts: a rule's explanation and example for a diagnostic, and a table's card (columns,
 * keys, references in and out, indexes, row-level security and policies, each with the file and
 * line that wrote it) for a table name anywhere.
 */
import type { Finding } from '../engine/findings';
import { ruleById } from '../engine/rules';
import { docsUrl } from '../engine/rules/rule';
import type { Loc, TableCard } from './protocol';

/** A (possibly qualified) name under the cursor, with the ways it may name a table, likeliest first. */
export interface NameAt {
  start: number;
  end: number;
  candidates: { schema?: string; name: string }[];
}

const TOKEN = /"(?:[^"]|"")*"?|[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|\.|\s+|./g;

/**
 * The identifier at `offset` of a line, as PostgreSQL folds it (unquoted: lower case); with
 * `fold` false (Prisma), as written.
 */
export function nameAt(line: string, lineStart: number, offset: number, fold = true): NameAt | undefined {
  const tokens: { text: string; start: number; end: number }[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(line); m; m = TOKEN.exec(line)) {
    tokens.push({ text: m[0], start: lineStart + m.index, end: lineStart + m.index + m[0].length });
  }
  const isIdent = (t: { text: string } | undefined): boolean =>
    t !== undefined && (t.text.startsWith('"') || /^[A-Za-z_\u0080-\uffff]/.test(t.text));
  const i = tokens.findIndex((t) => t.start <= offset && offset < t.end);
  const at = i >= 0 ? i : tokens.findIndex((t) => t.end === offset);
  if (at < 0 || !isIdent(tokens[at])) return undefined;
  const norm = (t: string): string =>
    t.startsWith('"') ? t.replace(/^"|"$/g, '').replace(/""/g, '"') : fold ? t.toLowerCase() : t;
  const name = norm(tokens[at].text);
  const before =
    tokens[at - 1]?.text === '.' && isIdent(tokens[at - 2]) ? norm(tokens[at - 2].text) : undefined;
  const after =
    tokens[at + 1]?.text === '.' && isIdent(tokens[at + 2]) ? norm(tokens[at + 2].text) : undefined;
  const candidates: NameAt['candidates'] = [];
  if (before !== undefined) candidates.push({ schema: before, name });
  if (after !== undefined) candidates.push({ schema: name, name: after });
  candidates.push({ name });
  // `alias.column` or `table.column`: the part before the dot may be the table.
  if (before !== undefined) candidates.push({ name: before });
  return { start: tokens[at].start, end: tokens[at].end, candidates };
}

/**
 * The table a name means: qualified or not (public first), and among equals (a Prisma model and the
 * table its migrations make) the one written in the hovered file, else in a file of its language.
 */
export function findTable(
  cards: readonly TableCard[],
  candidates: NameAt['candidates'],
  hovered?: string,
): TableCard | undefined {
  const ext = (p: string): string => p.slice(p.lastIndexOf('.')).toLowerCase();
  for (const c of candidates) {
    const matches = cards.filter(
      (t) => t.name === c.name && (c.schema === undefined || t.schema === c.schema),
    );
    if (matches.length === 0) continue;
    return (
      (hovered !== undefined && matches.find((t) => t.loc.file === hovered)) ||
      (hovered !== undefined && matches.find((t) => ext(t.loc.file) === ext(hovered))) ||
      matches.find((t) => t.schema === 'public') ||
      matches[0]
    );
  }
  return undefined;
}

export function ruleHover(findings: readonly Finding[]): string | undefined {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const rule = ruleById(f.ruleId);
    if (!rule) continue;
    const m = rule.meta;
    parts.push(
      [
        `**${m.id}** · ${f.severity} · [docs](${docsUrl(m.id)})`,
        m.description,
        m.rationale,
        'Instead of:',
        fence(m.example.bad),
        'write:',
        fence(m.example.good),
      ].join('\n\n'),
    );
  }
  return parts.length > 0 ? parts.join('\n\n---\n\n') : undefined;
}

function fence(sql: string): string {
  const ticks = sql.includes('```') ? '~~~~' : '```';
  return `${ticks}sql\n${sql}\n${ticks}`;
}

/** Markdown inline code that survives backticks in the name. */
function code(s: string): string {
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

function qualified(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function tableHover(
  table: TableCard,
  allTables: readonly TableCard[],
  link: (loc: Loc) => string,
): string {
  const lines: string[] = [];
  const kind = table.kind === 'table' ? 'table' : table.kind;
  lines.push(`**${kind}** ${code(qualified(table.schema, table.name))} · defined at ${link(table.loc)}`);
  if (table.partitionOf) lines.push(`Partition of ${code(table.partitionOf)}`);
  if (table.comment) lines.push(`*${table.comment.replace(/[*_]/g, '\\$&')}*`);
  if (table.altered.length > 0) lines.push(`Altered at ${table.altered.map(link).join(', ')}`);

  const pk = table.constraints.find((c) => c.kind === 'primary key');
  const fkOf = new Map<string, string[]>();
  for (const c of table.constraints) {
    if (c.kind !== 'foreign key' || !c.references || c.columns.length !== 1) continue;
    const list = fkOf.get(c.columns[0]) ?? [];
    list.push(
      `FK → ${qualified(c.references.schema, c.references.name)} (${c.references.columns.join(', ')})`,
    );
    fkOf.set(c.columns[0], list);
  }
  if (table.columns.length > 0) {
    const rows = table.columns.map((c) => {
      const notes: string[] = [];
      if (pk?.columns.includes(c.name)) notes.push('PK');
      if (c.identity) notes.push(`identity ${c.identity}`);
      if (c.notNull && !pk?.columns.includes(c.name) && !c.identity) notes.push('not null');
      if (c.default !== undefined) notes.push(`default ${code(c.default)}`);
      notes.push(...(fkOf.get(c.name) ?? []));
      return `| ${cell(code(c.name))} | ${cell(c.type)} | ${cell(notes.join(' · '))} | ${link(c.loc)} |`;
    });
    lines.push(['| column | type | | defined |', '|---|---|---|---|', ...rows].join('\n'));
  }

  if (pk) lines.push(`**Primary key** ${code(pk.name)} (${pk.columns.join(', ')}) · ${link(pk.loc)}`);
  const others = table.constraints.filter(
    (c) => c.kind === 'unique' || c.kind === 'check' || c.kind === 'exclude',
  );
  if (others.length > 0) {
    lines.push(
      '**Constraints**\n' +
        others
          .map((c) => `- ${c.kind} ${code(c.name)} (${c.columns.join(', ')}) · ${link(c.loc)}`)
          .join('\n'),
    );
  }
  const out = table.constraints.flatMap((c) =>
    c.kind === 'foreign key' && c.references ? [{ c, r: c.references }] : [],
  );
  if (out.length > 0) {
    lines.push(
      '**References**\n' +
        out
          .map(({ c, r }) => {
            const del = c.onDelete ? ` on delete ${c.onDelete}` : '';
            return `- (${c.columns.join(', ')}) → ${code(qualified(r.schema, r.name))} (${r.columns.join(', ')})${del} · ${link(c.loc)}`;
          })
          .join('\n'),
    );
  }
  const incoming: string[] = [];
  for (const other of allTables) {
    for (const c of other.constraints) {
      const r = c.references;
      if (c.kind !== 'foreign key' || !r || r.name !== table.name || r.schema !== table.schema) continue;
      incoming.push(
        `- ${code(qualified(other.schema, other.name))} (${c.columns.join(', ')}) · ${link(c.loc)}`,
      );
    }
  }
  if (incoming.length > 0) lines.push('**Referenced by**\n' + incoming.join('\n'));
  if (table.indexes.length > 0) {
    lines.push(
      '**Indexes**\n' +
        table.indexes
          .map((i) => {
            const notes = [
              i.unique ? 'unique' : '',
              i.method !== 'btree' ? i.method : '',
              i.constraint ? `backs ${code(i.constraint)}` : '',
              i.where ? `where ${code(i.where)}` : '',
            ].filter((n) => n !== '');
            return `- ${code(i.name)} (${i.elements.join(', ')})${notes.length > 0 ? ` ${notes.join(' · ')}` : ''} · ${link(i.loc)}`;
          })
          .join('\n'),
    );
  } else lines.push('**Indexes**: none');
  const rls = table.rls.enabled
    ? `enabled${table.rls.forced ? ', forced' : ''}${table.rls.loc ? ` · ${link(table.rls.loc)}` : ''}`
    : 'disabled';
  lines.push(`**Row-level security**: ${rls}`);
  if (table.policies.length > 0) {
    lines.push(
      '**Policies**\n' +
        table.policies
          .map((p) => {
            const parts = [
              `- ${code(p.name)}${p.permissive ? '' : ' (restrictive)'} for ${p.command}`,
              p.roles.length > 0 ? ` to ${p.roles.join(', ')}` : '',
              p.using ? ` using ${code(p.using)}` : '',
              p.withCheck ? ` with check ${code(p.withCheck)}` : '',
              ` · ${link(p.loc)}`,
            ];
            return parts.join('');
          })
          .join('\n'),
    );
  }
  return lines.join('\n\n');
}
