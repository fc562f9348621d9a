import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The import graph of `src`, read with the TypeScript compiler's own pre-processor (every
 * `import`, `export … from` and `import()`, type-only ones included): no new dependency, and the
 * same parser that compiles the code, so nothing the compiler sees is missed.
 */
const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Infrastructure: any component may use its modules directly, and it uses no component. */
const INFRASTRUCTURE = 'platform';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The `src` file a relative specifier names (`./x.js` is `./x.ts`, a folder its `index.ts`). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

const files = sourceFiles(src).map((file) => relative(src, file));
const imports = new Map(
  files.map((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true);
    const targets = importedFiles
      .filter((ref) => ref.fileName.startsWith('.'))
      .map((ref) => resolveImport(join(src, file), ref.fileName))
      .filter((target): target is string => target !== undefined && target.startsWith(src))
      .map((target) => relative(src, target));
    return [file, [...new Set(targets)]];
  }),
);

/** The component a file belongs to (`src/<component>/…`), or undefined for the top-level files. */
const componentOf = (file: string) => (file.includes('/') ? file.split('/')[0] : undefined);

/** Every import cycle, each as the files in it (Tarjan's strongly connected components). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of imports.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const members: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== file);
      if (members.length > 1 || imports.get(file)!.includes(file)) found.push(members.sort());
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('the import graph of src', () => {
  it('when the files are read, then imports were found (the check reads what it checks)', () => {
    assert.ok(files.length > 100, `only ${files.length} files under ${src}`);
    assert.ok(
      (imports.get('app.ts') ?? []).includes('ivr/index.ts'),
      'app.ts imports the IVR through its index',
    );
  });

  it('when imports are followed, then no file imports itself through others (no cycles)', () => {
    assert.deepEqual(cycles(), []);
  });

  it('when a component uses another, then it imports only its index.ts', () => {
    const inner = [...imports].flatMap(([file, targets]) =>
      targets
        .filter((target) => {
          const to = componentOf(target);
          return (
            to !== undefined &&
            to !== INFRASTRUCTURE &&
            to !== componentOf(file) &&
            target !== `${to}/index.ts`
          );
        })
        .map((target) => `${file} -> ${target}`),
    );
    assert.deepEqual(inner, []);
  });

  it('when infrastructure is read, then it imports no component and no composition root', () => {
    const upward = [...imports]
      .filter(([file]) => componentOf(file) === INFRASTRUCTURE)
      .flatMap(([file, targets]) =>
        targets
          .filter((target) => componentOf(target) !== INFRASTRUCTURE)
          .map((target) => `${file} -> ${target}`),
      );
    assert.deepEqual(upward, []);
  });

  it('when a component is read, then it imports no top-level file (composition roots, process files)', () => {
    const rooted = [...imports]
      .filter(([file]) => componentOf(file) !== undefined)
      .flatMap(([file, targets]) =>
        targets
          .filter((target) => componentOf(target) === undefined)
          .map((target) => `${file} -> ${target}`),
      );
    assert.deepEqual(rooted, []);
  });

  it('when an index.ts is read, then it exports no tables and no repository', () => {
    const leaks = files
      .filter((file) => /^[a-z]+\/index\.ts$/.test(file))
      .flatMap((file) =>
        ts
          .preProcessFile(readFileSync(join(src, file), 'utf8'), true, true)
          .importedFiles.filter(
            (ref) =>
              /-(tables|repository)\.js$/.test(ref.fileName) &&
              !isTypeOnlyExport(file, ref.fileName),
          )
          .map((ref) => `${file} exports ${ref.fileName}`),
      );
    assert.deepEqual(leaks, []);
  });

  it('when a route file is read, then it imports no repository and no database (routes translate HTTP to a use case)', () => {
    const reaching = [...imports]
      .filter(([file]) => /-routes\.ts$/.test(file))
      .flatMap(([file, targets]) =>
        targets
          .filter((target) => /-repository\.ts$/.test(target) || target === 'platform/db.ts')
          .map((target) => `${file} -> ${target}`),
      );
    assert.deepEqual(reaching, []);
  });

  it("when routing is read, then it reads no ledger row on a call's path (it keeps what the IVR hands over; only the rebuild after a Redis loss reads the ledger)", () => {
    const REBUILD = 'routing/routing-recovery-service.ts';
    const reads = files
      .filter((file) => componentOf(file) === 'routing' && file !== REBUILD)
      .flatMap((file) =>
        [
          ...readFileSync(join(src, file), 'utf8').matchAll(
            /\bledger\.(?!record|mark|onCallEnded)([A-Za-z]+)\(/g,
          ),
        ].map((match) => `${file}: ledger.${match[1]}`),
      );
    assert.deepEqual(reads, []);
    assert.match(
      readFileSync(join(src, REBUILD), 'utf8'),
      /ledger\.waitingCalls\(/,
      'the check reads the rebuild it exempts',
    );
  });

  it("when the call ledger's writes are read, then each stage is written by one component (the shared ones say why)", () => {
    /** Writes more than one component makes on purpose, with why. */
    const shared: Record<string, string> = {
      recordArrival:
        'the IVR records inbound calls, callbacks the outbound legs of the callbacks they place',
      markAnswered:
        'routing marks a queued caller answered by an agent, callbacks the agent leg of a callback',
      recordStatus:
        "Twilio's status callbacks come for the caller's call (calls) and for a callback's agent leg (callbacks)",
      recordEvent: 'an append-only log: each component writes events of its own source',
      markSelfServed: 'served by an information node (ivr) or by booking by phone (booking)',
    };
    const writers = new Map<string, Set<string>>();
    for (const file of files) {
      for (const match of readFileSync(join(src, file), 'utf8').matchAll(
        /\bledger\.((?:record|mark|hold|keep)[A-Za-z]+)\(/g,
      )) {
        const component = componentOf(file) ?? file;
        writers.set(match[1]!, (writers.get(match[1]!) ?? new Set()).add(component));
      }
    }
    assert.ok(writers.size >= 8, `ledger writes found: ${[...writers.keys()].join(', ')}`);
    const many = [...writers]
      .filter(([write, components]) => components.size > 1 && !shared[write])
      .map(([write, components]) => `${write}: ${[...components].join(', ')}`);
    assert.deepEqual(many, []);
    assert.deepEqual([...writers.get('recordWaiting')!], ['routing']);
    assert.deepEqual([...writers.get('holdQueued')!], ['ivr']);
  });
});

/** Whether every export of `specifier` in the index is `export type { … }` (row types are types, not data access). */
function isTypeOnlyExport(file: string, specifier: string): boolean {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(src, file), 'utf8'),
    ts.ScriptTarget.Latest,
  );
  return source.statements
    .filter(ts.isExportDeclaration)
    .filter(
      (statement) =>
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier) &&
        statement.moduleSpecifier.text === specifier,
    )
    .every((statement) => statement.isTypeOnly);
}

/** Code files under `dir` (TypeScript, and the pages' browser modules), with their line counts. */
function codeLines(dir: string): Array<{ file: string; lines: number }> {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return codeLines(path);
    if (!/\.(ts|js)$/.test(entry)) return [];
    return [
      { file: relative(src, path), lines: readFileSync(path, 'utf8').split('\n').length - 1 },
    ];
  });
}

describe('the size of src', () => {
  const code = codeLines(src);
  const total = code.reduce((sum, { lines }) => sum + lines, 0);

  it('when the files are counted, then none is over 300 lines', () => {
    assert.ok(code.length > 100 && total > 10_000, `${code.length} files, ${total} lines`);
    const long = code
      .filter(({ lines }) => lines > 300)
      .map(({ file, lines }) => `${file}: ${lines}`);
    assert.deepEqual(long, []);
  });

  it('when the folders are counted, then none holds more than 18% of the lines', () => {
    const byFolder = new Map<string, number>();
    for (const { file, lines } of code) {
      const folder = componentOf(file);
      if (folder) byFolder.set(folder, (byFolder.get(folder) ?? 0) + lines);
    }
    const large = [...byFolder]
      .filter(([, lines]) => lines > 0.18 * total)
      .map(([folder, lines]) => `${folder}: ${((100 * lines) / total).toFixed(1)} %`);
    assert.deepEqual(large, []);
  });
});
