/**
 * SARIF 2.1.0, the format code-scanning services (GitHub code scanning among them) ingest: a rule
 * table with descriptions and help links, and results pointing into it.
 */
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../../engine/findings';
import { docsUrl, type RuleMeta } from '../../engine/rules/rule';
import { locate, type FormatContext } from './common';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** Findings that come from no rule of the catalogue (a bad config, a skipped file, a crash). */
const SYNTHETIC: Record<string, string> = {
  config: 'db-expert.json has a problem.',
  input: 'A file could not be linted.',
};

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  helpUri?: string;
  help?: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

function ruleDescriptor(meta: RuleMeta): SarifRule {
  const url = docsUrl(meta.id);
  return {
    id: meta.id,
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.rationale },
    helpUri: url,
    help: {
      text: `${meta.rationale}\n\n${url}`,
      markdown:
        `${meta.rationale}\n\n` +
        `Bad:\n\n\`\`\`sql\n${meta.example.bad}\n\`\`\`\n\n` +
        `Good:\n\n\`\`\`sql\n${meta.example.good}\n\`\`\`\n\n[Documentation](${url})`,
    },
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: { category: meta.category, fixable: meta.fixable, tags: [meta.category] },
  };
}

/** A relative URI reference: each path segment percent-encoded (spaces, `#`, `%` …). */
function fileUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function toSarif(findings: readonly Finding[], context: FormatContext): object {
  const rules: SarifRule[] = context.rules.map(ruleDescriptor);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  for (const f of findings) {
    if (index.has(f.ruleId)) continue;
    index.set(f.ruleId, rules.length);
    rules.push({
      id: f.ruleId,
      shortDescription: { text: SYNTHETIC[f.ruleId] ?? `Internal error in ${f.ruleId}.` },
      defaultConfiguration: { level: 'error' },
    });
  }

  const display = (file: string): string => (context.displayPath ? context.displayPath(file) : file);
  const physical = (file: string, start: number, end: number): object => {
    const at = locate({ file, start, end }, context.lines(file));
    return {
      artifactLocation: { uri: fileUri(display(file)), uriBaseId: '%SRCROOT%' },
      region: { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn },
    };
  };

  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: physical(f.file, f.start, f.end) }],
    ...(f.related && f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: physical(r.file, r.start, r.end),
          })),
        }
      : {}),
  }));

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'db-expert',
            informationUri: 'https://github.com/db-expert/db-expert',
            ...(context.toolVersion
              ? { version: context.toolVersion, semanticVersion: context.toolVersion }
              : {}),
            rules,
          },
        },
        ...(context.baseDir
          ? {
              originalUriBaseIds: {
                '%SRCROOT%': { uri: pathToFileURL(context.baseDir).href.replace(/\/?$/, '/') },
              },
            }
          : {}),
        // Columns count UTF-16 code units, as the engine's offsets do.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], context: FormatContext): string {
  return JSON.stringify(toSarif(findings, context), null, 2) + '\n';
}
