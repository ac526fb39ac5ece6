import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Documentation lint for the public API of the core, compute, storage and federation folders
 * (house style, DESIGN.md section 8): every exported declaration has a doc comment, every field
 * of a `...Props` / `...Options` interface has one, and every optional field of those interfaces
 * says what happens when it is left out (`@default`).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const FOLDERS = ['lib/core', 'lib/compute', 'lib/storage', 'lib/federation'];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
    }
  };
  for (const folder of FOLDERS) walk(path.join(ROOT, folder));
  return out.sort();
}

function jsDocs(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d));
}

function hasDoc(node: ts.Node): boolean {
  return jsDocs(node).length > 0;
}

function hasDefaultTag(node: ts.Node): boolean {
  return jsDocs(node).some((d) => (d.tags ?? []).some((t) => t.tagName.text === 'default'));
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function memberName(m: ts.TypeElement, sf: ts.SourceFile): string {
  return m.name ? m.name.getText(sf) : m.getText(sf).split('\n')[0];
}

interface Findings {
  readonly undocumented: string[];
  readonly missingDefault: string[];
}

function scan(files: ReadonlyArray<{ readonly rel: string; readonly text: string }>): Findings {
  const undocumented: string[] = [];
  const missingDefault: string[] = [];
  for (const { rel, text } of files) {
    const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true);
    // Overloads and declaration merging: a name counts as documented when one of its declarations is.
    const documented = new Map<string, boolean>();
    const note = (name: string, node: ts.Node): void => {
      documented.set(name, (documented.get(name) ?? false) || hasDoc(node));
    };
    for (const stmt of sf.statements) {
      if (!isExported(stmt)) continue;
      if (ts.isVariableStatement(stmt)) {
        for (const decl of stmt.declarationList.declarations) note(decl.name.getText(sf), decl);
        continue;
      }
      if (
        ts.isClassDeclaration(stmt) || ts.isFunctionDeclaration(stmt) || ts.isInterfaceDeclaration(stmt) ||
        ts.isEnumDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt)
      ) {
        if (stmt.name) note(stmt.name.text, stmt);
      }
      if (ts.isInterfaceDeclaration(stmt) && /(Props|Options)$/.test(stmt.name.text)) {
        for (const m of stmt.members) {
          const where = `${rel}: ${stmt.name.text}.${memberName(m, sf)}`;
          if (!hasDoc(m)) undocumented.push(where);
          else if (ts.isPropertySignature(m) && m.questionToken && !hasDefaultTag(m)) missingDefault.push(where);
        }
      }
    }
    for (const [name, ok] of documented) if (!ok) undocumented.push(`${rel}: ${name}`);
  }
  return { undocumented, missingDefault };
}

describe('public API documentation (DESIGN.md section 8)', () => {
  const findings = scan(sourceFiles().map((file) => ({ rel: path.relative(ROOT, file), text: fs.readFileSync(file, 'utf8') })));

  test('flags undocumented declarations, fields and missing @default', () => {
    const text = [
      'export function bare(): void {}',
      '/** Documented. */',
      'export const ok = 1;',
      'export const loose = 2;',
      '/** Props. */',
      'export interface FooProps {',
      '  readonly a: string;',
      '  /** Optional without default. */',
      '  readonly b?: string;',
      '  /** Optional with default. @default 1 */',
      '  readonly c?: number;',
      '  /** Required. */',
      '  readonly d: number;',
      '}',
      'interface InternalProps { readonly x?: string }',
    ].join('\n');
    expect(scan([{ rel: 'x.ts', text }])).toEqual({
      undocumented: ['x.ts: FooProps.a', 'x.ts: bare', 'x.ts: loose'],
      missingDefault: ['x.ts: FooProps.b'],
    });
  });

  test('scans every folder', () => {
    expect(sourceFiles().length).toBeGreaterThan(FOLDERS.length);
  });

  test('every exported declaration and every Props/Options field has a doc comment', () => {
    expect(findings.undocumented).toEqual([]);
  });

  test('every optional Props/Options field has @default', () => {
    expect(findings.missingDefault).toEqual([]);
  });
});
