/**
 * What the extension runs on and the settings it hands the server, as plain data (no `vscode`
 * import, so it is unit-tested in Node).
 */

/** VS Code's own `sql`, the Prisma extension's `prisma`, and the ids popular PostgreSQL extensions use. */
export const LANGUAGE_IDS = ['sql', 'prisma', 'postgres', 'pgsql'] as const;

/** Documents the client syncs to the server: SQL/Prisma files, and db-expert.json for its own diagnostics. */
export function documentSelector(): { scheme: string; language?: string; pattern?: string }[] {
  return [
    ...LANGUAGE_IDS.map((language) => ({ scheme: 'file', language })),
    { scheme: 'file', pattern: '**/db-expert.json' },
  ];
}

export const SEVERITIES = ['off', 'hint', 'info', 'warn', 'warning', 'error'] as const;
export type SeveritySetting = (typeof SEVERITIES)[number];

/** The `dbExpert.*` settings, checked: what the server gets in initializationOptions.settings. */
export interface ServerSettings {
  enable: boolean;
  /** Severity per rule id; entries with an unknown severity are dropped. */
  rules: Record<string, SeveritySetting>;
  /** Absent when not set (or blank): the project's db-expert.json or the default applies. */
  tenantColumn?: string;
  trace: 'off' | 'messages' | 'verbose';
}

/** Reads and checks the settings through a getter like `workspace.getConfiguration('dbExpert').get`. */
export function readSettings(get: (key: string) => unknown): ServerSettings {
  const rules: Record<string, SeveritySetting> = {};
  const rawRules = get('rules');
  if (rawRules && typeof rawRules === 'object' && !Array.isArray(rawRules)) {
    for (const [id, severity] of Object.entries(rawRules)) {
      if (typeof severity === 'string' && (SEVERITIES as readonly string[]).includes(severity)) {
        rules[id] = severity as SeveritySetting;
      }
    }
  }
  const tenant = get('tenantColumn');
  const trace = get('trace.server');
  return {
    enable: get('enable') !== false,
    rules,
    ...(typeof tenant === 'string' && tenant.trim() !== '' ? { tenantColumn: tenant.trim() } : {}),
    trace: trace === 'messages' || trace === 'verbose' ? trace : 'off',
  };
}

/** The settings shaped like the `dbExpert` section the server pulls with workspace/configuration. */
export function settingsSection(s: ServerSettings): Record<string, unknown> {
  return {
    enable: s.enable,
    rules: s.rules,
    ...(s.tenantColumn !== undefined ? { tenantColumn: s.tenantColumn } : {}),
    trace: { server: s.trace },
  };
}
