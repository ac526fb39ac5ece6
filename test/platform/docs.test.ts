import { readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import * as ts from 'typescript';

/**
 * Documentation lint of the public API (house style, DESIGN.md section 8): every exported declaration has a doc
 * comment; every member of a `...Props` / `...Options` interface has a doc line, and optional members carry `@default`.
 */
const root = resolve(__dirname, '..', '..');
const folders = ['platform', 'serving', 'policy', 'validate', 'synth', 'pulumi'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node)
    && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** The doc comments attached to a node (the parser keeps them on `jsDoc`). */
function docs(node: ts.Node): readonly ts.JSDoc[] {
  return (node as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
}

/** True when the node has a doc comment with some text (a description or at least one tag). */
function hasDoc(node: ts.Node): boolean {
  return docs(node).some((doc) => {
    const text = typeof doc.comment === 'string' ? doc.comment : ts.getTextOfJSDocComment(doc.comment);
    return (text ?? '').trim().length > 0 || (doc.tags ?? []).length > 0;
  });
}

function hasDefault(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'default');
}

function declarationName(node: ts.Statement): string | undefined {
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.map((d) => d.name.getText()).join(', ');
  }
  const named = node as ts.Statement & { name?: ts.Identifier };
  return named.name?.text;
}

interface Audit {
  readonly undocumented: string[];
  readonly missingDefault: string[];
  readonly exported: number;
  readonly members: number;
}

function audit(): Audit {
  const undocumented: string[] = [];
  const missingDefault: string[] = [];
  let exported = 0;
  let members = 0;
  for (const folder of folders) {
    for (const file of sourceFiles(join(root, 'lib', folder))) {
      const rel = relative(root, file);
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const seenFunctions = new Set<string>();
      for (const statement of source.statements) {
        if (!isExported(statement)) continue;
        if (!(ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)
          || ts.isInterfaceDeclaration(statement) || ts.isEnumDeclaration(statement)
          || ts.isTypeAliasDeclaration(statement) || ts.isVariableStatement(statement))) continue;
        const name = declarationName(statement) ?? '(anonymous)';
        const line = source.getLineAndCharacterOfPosition(statement.getStart()).line + 1;
        if (ts.isFunctionDeclaration(statement)) {
          // Overloads: the doc comment on the first signature documents the function.
          if (seenFunctions.has(name)) continue;
          seenFunctions.add(name);
        }
        exported++;
        if (!hasDoc(statement)) undocumented.push(`${rel}:${line} ${name}`);
        if (!ts.isInterfaceDeclaration(statement) || !/(Props|Options)$/.test(statement.name.text)) continue;
        for (const member of statement.members) {
          const memberName = `${name}.${member.name?.getText() ?? '(index)'}`;
          const memberLine = source.getLineAndCharacterOfPosition(member.getStart()).line + 1;
          members++;
          if (!hasDoc(member)) undocumented.push(`${rel}:${memberLine} ${memberName}`);
          const optional = (ts.isPropertySignature(member) || ts.isMethodSignature(member)) && !!member.questionToken;
          if (optional && !hasDefault(member)) missingDefault.push(`${rel}:${memberLine} ${memberName}`);
        }
      }
    }
  }
  return { undocumented, missingDefault, exported, members };
}

const result = audit();

test('the audit sees the public API of the documented folders', () => {
  expect(result.exported).toBeGreaterThan(100);
  expect(result.members).toBeGreaterThan(100);
});

test('every exported declaration and every Props/Options member has a doc comment', () => {
  expect(result.undocumented).toEqual([]);
});

test('every optional Props/Options member documents its @default', () => {
  expect(result.missingDefault).toEqual([]);
});
