import { Suppression } from './suppression';
import { describeRef, Finding, Severity } from './types';

/** A finding accepted by a suppression (listed in the report, not counted as a violation). */
export interface SuppressedFinding {
  readonly finding: Finding;
  /** The suppression that accepted it. */
  readonly suppression: Suppression;
}

/** Counts of a report. */
export interface ReportCounts {
  /** Unsuppressed findings. */
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
  /** Objects checked. */
  readonly objects: number;
  /** Unsuppressed findings per rule id (sorted by id). */
  readonly byRule: Readonly<Record<string, number>>;
}

/** The JSON form of a report (`sovereign-ai check --json`). */
export interface PolicyReportJson {
  readonly packs: readonly string[];
  readonly counts: ReportCounts;
  readonly findings: readonly Finding[];
  readonly suppressed: ReadonlyArray<{ readonly finding: Finding; readonly reason: string }>;
}

/** One line per finding: `error <rule> <Kind> <ns>/<name> <path>: <message> Fix: <fix> [construct: <path>]`. */
export function formatFinding(f: Finding): string {
  const where = f.constructPath ? ` [construct: ${f.constructPath}]` : f.source ? ` [file: ${f.source}]` : '';
  return `${f.severity} ${f.ruleId} ${describeRef(f.object)} ${f.path}: ${f.message} Fix: ${f.fix}${where}`;
}

/** The result of running packs over a set of objects. */
export class PolicyReport {
  /** Findings by severity, suppressed findings and objects checked. */
  public readonly counts: ReportCounts;

  constructor(
    /** Names of the packs that ran. */
    public readonly packs: readonly string[],
    /** Unsuppressed findings, in pack/rule/object order. */
    public readonly findings: readonly Finding[],
    /** Findings accepted by a suppression. */
    public readonly suppressed: readonly SuppressedFinding[],
    objectCount: number,
  ) {
    const byRule: Record<string, number> = {};
    for (const f of [...findings].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))) {
      byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    }
    const errors = findings.filter((f) => f.severity === Severity.ERROR).length;
    this.counts = {
      findings: findings.length,
      errors,
      warnings: findings.length - errors,
      suppressed: suppressed.length,
      objects: objectCount,
      byRule,
    };
  }

  /** True when no unsuppressed finding is an error. */
  public get passed(): boolean {
    return this.counts.errors === 0;
  }

  /** Text form: one line per finding, one per suppressed finding, then a summary line. */
  public toText(): string {
    const lines = this.findings.map(formatFinding);
    for (const s of this.suppressed) lines.push(`suppressed ${formatFinding(s.finding)} (reason: ${s.suppression.reason})`);
    const c = this.counts;
    lines.push(`${c.findings} ${c.findings === 1 ? 'finding' : 'findings'} (${c.errors} errors, ${c.warnings} warnings), ` +
      `${c.suppressed} suppressed, ${c.objects} objects checked by ${this.packs.join(', ')}`);
    return lines.join('\n');
  }

  /** JSON form. */
  public toJson(): PolicyReportJson {
    return {
      packs: [...this.packs],
      counts: this.counts,
      findings: [...this.findings],
      suppressed: this.suppressed.map((s) => ({ finding: s.finding, reason: s.suppression.reason })),
    };
  }
}
