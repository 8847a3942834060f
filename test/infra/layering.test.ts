import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');

const violations = (dir: string, forbidden: RegExp) =>
  sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden.test(spec))
      .map((spec) => `${relative(ROOT, join(ROOT, file))} imports ${spec}`),
  );

describe('layering', () => {
  it('keeps domain logic free of AWS SDK, adapters, Powertools and middy', () => {
    const rulesFolders = sourceFiles('functions').filter((file) => file.includes('/rules/'));
    const forbidden = /^@aws-sdk\/|\/aws\/|^@aws-lambda-powertools\/|^@middy\/|observability/;

    expect(rulesFolders.length).toBeGreaterThan(30);
    expect(
      rulesFolders.flatMap((file) =>
        importsOf(file)
          .filter((spec) => forbidden.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      ),
    ).toEqual([]);
  });

  it('keeps Lambda code independent of the local runtime and the CLI', () => {
    expect(violations('functions', /local-runtime|\/cli\//)).toEqual([]);
  });

  it('never imports a handler from shared code', () => {
    expect(violations('functions/kernel', /handler$/)).toEqual([]);
  });

  it('reads the environment only in config.ts', () => {
    const readers = sourceFiles('functions').filter(
      (file) => !file.endsWith('config.ts') && readFileSync(join(ROOT, file), 'utf8').includes('process.env'),
    );

    expect(readers).toEqual([]);
  });
});
