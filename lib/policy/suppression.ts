import { ValidationError } from '../core';
import { PolicyLabels } from './labels';
import { Finding, Manifest } from './types';

/** Which objects a suppression applies to (all given fields must match). */
export interface SuppressionMatch {
  /** Object kind, e.g. `Deployment`. @default - any kind */
  readonly kind?: string;
  /** Object namespace. @default - any namespace */
  readonly namespace?: string;
  /** Object name. @default - any name */
  readonly name?: string;
}

/**
 * An accepted finding: the rule does not apply here, for a written reason. Suppressed findings are listed in
 * the report (never dropped).
 */
export interface Suppression {
  /** The rule id, e.g. `reliability/pdb`. */
  readonly ruleId: string;
  /** Why the finding is accepted (required, non-empty). */
  readonly reason: string;
  /** Restricts the suppression to some objects. @default - every object */
  readonly match?: SuppressionMatch;
}

/**
 * Checks suppressions: each needs a non-empty reason and a known rule id.
 * @param where the location named in errors (construct path or `policy`)
 * @param prop the prop name in errors (e.g. `suppressions`)
 */
export function validateSuppressions(
  where: string, prop: string, suppressions: readonly Suppression[], knownRuleIds: ReadonlySet<string>,
): void {
  suppressions.forEach((s, i) => {
    const ruleId = (s as { ruleId?: unknown }).ruleId;
    if (typeof ruleId !== 'string' || !knownRuleIds.has(ruleId)) {
      const near = typeof ruleId === 'string' ? closest(ruleId, knownRuleIds) : undefined;
      throw ValidationError.invalidProp(where, {
        prop: `${prop}[${i}].ruleId`,
        value: ruleId,
        allowed: 'the id of a rule of the packs (e.g. "reliability/pdb")',
        fix: near ? `did you mean "${near}"?` : 'use a rule id as printed in a finding.',
      });
    }
    const reason = (s as { reason?: unknown }).reason;
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw ValidationError.invalidProp(where, {
        prop: `${prop}[${i}].reason`,
        value: reason,
        allowed: 'a non-empty sentence saying why the finding is accepted',
        fix: `write down why rule "${ruleId}" does not apply here.`,
      });
    }
  });
}

/** Parses the object annotation `sovereign-ai.dev/suppressions: "rule-id=reason; other=reason"`. */
export function annotationSuppressions(m: Manifest): Suppression[] {
  const raw = m.metadata?.annotations?.[PolicyLabels.SUPPRESSIONS];
  if (raw === undefined) return [];
  const match: SuppressionMatch = {
    kind: m.kind,
    ...(m.metadata?.namespace ? { namespace: m.metadata.namespace } : {}),
    name: String(m.metadata?.name ?? ''),
  };
  return String(raw).split(';').map((s) => s.trim()).filter((s) => s !== '').map((entry) => {
    const eq = entry.indexOf('=');
    const ruleId = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const reason = eq < 0 ? '' : entry.slice(eq + 1).trim();
    return { ruleId, reason, match };
  });
}

/** True when the suppression applies to the finding. */
export function suppresses(s: Suppression, f: Finding): boolean {
  if (s.ruleId !== f.ruleId) return false;
  const m = s.match;
  if (!m) return true;
  if (m.kind !== undefined && m.kind !== f.object.kind) return false;
  if (m.namespace !== undefined && m.namespace !== (f.object.namespace ?? '')) return false;
  if (m.name !== undefined && m.name !== f.object.name) return false;
  return true;
}

function closest(id: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of [...known].sort()) {
    const d = distance(id, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(3, Math.floor(id.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}
