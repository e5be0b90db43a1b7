/**
 * The schema model of a unit as readable text, for the extension's "Show schema model" document
 * (`dbExpert/schemaModel`): every table with its columns, keys, references, indexes, row-level
 * security and policies, each with the file and line that wrote it.
 */
import type { Loc, TableCard } from './protocol';

function name(schema: string, table: string): string {
  return schema === 'public' ? table : `${schema}.${table}`;
}

function at(loc: Loc): string {
  return `${loc.file}:${loc.line + 1}`;
}

export function modelText(title: string, files: readonly string[], tables: readonly TableCard[]): string {
  const out: string[] = [];
  out.push(`-- Schema model of ${title}`);
  if (files.length > 1) out.push(`-- built from ${files.length} files, in order: ${files.join(', ')}`);
  out.push(`-- ${tables.length} ${tables.length === 1 ? 'table' : 'tables'}`, '');
  const sorted = [...tables].sort((a, b) => name(a.schema, a.name).localeCompare(name(b.schema, b.name)));
  for (const t of sorted) {
    const pk = t.constraints.find((c) => c.kind === 'primary key');
    out.push(
      `${t.kind.toUpperCase()} ${name(t.schema, t.name)}${t.partitionOf ? ` PARTITION OF ${t.partitionOf}` : ''}  -- ${at(t.loc)}`,
    );
    if (t.comment) out.push(`  -- ${t.comment}`);
    const width = Math.max(0, ...t.columns.map((c) => c.name.length));
    const typeWidth = Math.max(0, ...t.columns.map((c) => c.type.length));
    for (const c of t.columns) {
      const notes = [
        pk?.columns.includes(c.name) ? 'PK' : '',
        c.identity ? `identity ${c.identity}` : '',
        c.notNull ? 'not null' : '',
        c.default !== undefined ? `default ${c.default}` : '',
      ].filter((n) => n !== '');
      out.push(
        `  ${c.name.padEnd(width)}  ${c.type.padEnd(typeWidth)}  ${notes.join(', ')}`.trimEnd() +
          `  -- ${at(c.loc)}`,
      );
    }
    for (const c of t.constraints) {
      if (c.kind === 'foreign key' && c.references) {
        const r = c.references;
        out.push(
          `  FOREIGN KEY ${c.name} (${c.columns.join(', ')}) → ${name(r.schema, r.name)} (${r.columns.join(', ')})${c.onDelete ? ` ON DELETE ${c.onDelete.toUpperCase()}` : ''}  -- ${at(c.loc)}`,
        );
      } else out.push(`  ${c.kind.toUpperCase()} ${c.name} (${c.columns.join(', ')})  -- ${at(c.loc)}`);
    }
    for (const other of tables) {
      for (const c of other.constraints) {
        const r = c.references;
        if (c.kind === 'foreign key' && r && r.schema === t.schema && r.name === t.name) {
          out.push(
            `  REFERENCED BY ${name(other.schema, other.name)} (${c.columns.join(', ')})  -- ${at(c.loc)}`,
          );
        }
      }
    }
    for (const i of t.indexes) {
      const kind = `${i.unique ? 'UNIQUE ' : ''}INDEX`;
      const using = i.method !== 'btree' ? ` USING ${i.method}` : '';
      const where = i.where ? ` WHERE ${i.where}` : '';
      const backs = i.constraint ? ` (backs ${i.constraint})` : '';
      out.push(`  ${kind} ${i.name}${using} (${i.elements.join(', ')})${where}${backs}  -- ${at(i.loc)}`);
    }
    out.push(
      `  ROW LEVEL SECURITY ${t.rls.enabled ? `enabled${t.rls.forced ? ', forced' : ''}` : 'disabled'}${t.rls.loc ? `  -- ${at(t.rls.loc)}` : ''}`,
    );
    for (const p of t.policies) {
      const parts = [
        `  POLICY ${p.name}${p.permissive ? '' : ' AS RESTRICTIVE'} FOR ${p.command.toUpperCase()}`,
        p.roles.length > 0 ? ` TO ${p.roles.join(', ')}` : '',
        p.using ? ` USING (${p.using})` : '',
        p.withCheck ? ` WITH CHECK (${p.withCheck})` : '',
        `  -- ${at(p.loc)}`,
      ];
      out.push(parts.join(''));
    }
    out.push('');
  }
  return out.join('\n');
}
