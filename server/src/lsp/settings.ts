/**
 * The editor's settings (`dbExpert.*`, read per workspace folder through workspace/configuration)
 * and how they combine with `db-expert.json`.
 *
 * `db-expert.json` is the project's shared configuration (the CLI in CI reads it too); the settings
 * are the user's own. Rule severities in the settings override the file's (like `--rule` on the
 * command line: a personal view); `tenantColumn` is a fact about the schema, so the file's value
 * wins and the setting fills in only when the file does not say.
 */
import type { ResolvedConfig } from '../engine/config/config';
import { suggestName } from '../engine/config/load';
import type { SeveritySetting } from '../engine/findings';

export interface Settings {
  enable: boolean;
  /** Run the migrations in an embedded PostgreSQL and report what it rejects (`migration-fails`). */
  verify?: boolean;
  rules: Record<string, SeveritySetting>;
  tenantColumn?: string;
  trace: 'off' | 'messages' | 'verbose';
}

export const DEFAULT_SETTINGS: Settings = { enable: true, rules: {}, trace: 'off' };

const LEVELS: Record<string, SeveritySetting> = {
  off: 'off',
  hint: 'hint',
  info: 'info',
  information: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
};

/** Settings from the client's answer, with a message for each value that is ignored. */
export function readSettings(
  raw: unknown,
  knownRuleIds: readonly string[],
): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const settings: Settings = { enable: true, rules: {}, trace: 'off' };
  if (!isObject(raw)) return { settings, problems };
  if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
  if (raw.verify === true) settings.verify = true;
  if (isObject(raw.rules)) {
    const known = new Set(knownRuleIds);
    for (const [id, value] of Object.entries(raw.rules)) {
      const level = typeof value === 'string' ? LEVELS[value.toLowerCase()] : undefined;
      if (!known.has(id)) {
        const hint = suggestName(id, knownRuleIds);
        problems.push(`dbExpert.rules: unknown rule '${id}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
      } else if (!level) {
        problems.push(
          `dbExpert.rules.${id}: unknown severity ${JSON.stringify(value)} (use off, hint, info, warn or error)`,
        );
      } else settings.rules[id] = level;
    }
  }
  if (typeof raw.tenantColumn === 'string' && raw.tenantColumn.trim() !== '') {
    settings.tenantColumn = raw.tenantColumn.trim();
  }
  const trace = isObject(raw.trace) ? raw.trace.server : undefined;
  if (trace === 'messages' || trace === 'verbose' || trace === 'off') settings.trace = trace;
  return { settings, problems };
}

/** The config the engine gets: the file's, with the settings that apply over it. */
export function effectiveConfig(
  fromFile: ResolvedConfig,
  fileText: string | undefined,
  settings: Settings,
): ResolvedConfig {
  if (settings.tenantColumn === undefined || fileSets(fileText, 'tenantColumn')) return fromFile;
  return { ...fromFile, tenantColumn: settings.tenantColumn };
}

/** Whether the (possibly invalid) config text sets a top-level key. */
function fileSets(text: string | undefined, key: string): boolean {
  if (text === undefined) return false;
  try {
    const data: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return isObject(data) && Object.hasOwn(data, key);
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
