/** The registry: every rule, in the catalogue's order. */
import { foreignKeyWithoutIndex } from './foreign-key-without-index';
import type { Rule } from './rule';
import { syntaxError } from './syntax-error';

export const allRules: readonly Rule[] = [foreignKeyWithoutIndex, syntaxError];

export const ruleIds: readonly string[] = allRules.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
