// Type-checks tests/types/consumer.ts as a consumer project would: the
// package installed from its tarball, resolved through `exports` ("types"),
// with `tsc --strict --noEmit`, under both "nodenext" and "bundler" module
// resolution, and with `exactOptionalPropertyTypes` (where an option given
// as `undefined`, an unset environment variable say, must still compile).
// Deliberately wrong files must fail, so each check can fail. Every
// declaration the shipped .d.ts files export, and every method of `Client`
// and `Mock`, has a JSDoc comment (editors show it on hover).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { BIN, createConsumer } from "./consumer.mjs";

const SOURCE = fileURLToPath(new URL("../types/consumer.ts", import.meta.url));

const consumer = await createConsumer({ name: "types" });
after(() => consumer.cleanup());
copyFileSync(SOURCE, join(consumer.dir, "consumer.ts"));
writeFileSync(
  join(consumer.dir, "wrong.ts"),
  'import { quote } from "kling-extend";\nconst credits: string = quote({ seconds: 5 }).credits;\nvoid credits;\n',
);
// Fine without the flag; with it, a result's optional member cannot be set to undefined.
writeFileSync(
  join(consumer.dir, "wrong-exact.ts"),
  'import type { Job } from "kling-extend";\nconst job: Job = { id: "j", model: "m", status: "queued", raw: null, error: undefined };\nvoid job;\n',
);

/** Runs tsc on one file with a tsconfig, `exact`: with exactOptionalPropertyTypes; resolves { code, output }. */
function tsc(file, moduleKind, exact = false) {
  const config = `tsconfig.${file}.${moduleKind}${exact ? ".exact" : ""}.json`;
  const [module, moduleResolution] = moduleKind === "bundler" ? ["esnext", "bundler"] : ["nodenext", "nodenext"];
  writeFileSync(
    join(consumer.dir, config),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module,
          moduleResolution,
          target: "es2022",
          lib: ["es2022", "dom"],
          types: [],
          skipLibCheck: false,
          exactOptionalPropertyTypes: exact,
        },
        files: [file],
      },
      null,
      2,
    ),
  );
  return new Promise((resolve) => {
    execFile(join(BIN, "tsc"), ["-p", config, "--strict", "--noEmit"], { cwd: consumer.dir }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

for (const moduleKind of ["nodenext", "bundler"]) {
  test(`types: tests/types/consumer.ts compiles with --strict (${moduleKind})`, async () => {
    const { code, output } = await tsc("consumer.ts", moduleKind);
    assert.equal(code, 0, `tsc failed:\n${output}`);
  });
}

test("types: a wrongly typed use of the package fails to compile (the check can fail)", async () => {
  const { code, output } = await tsc("wrong.ts", "nodenext");
  assert.notEqual(code, 0, "tsc accepted wrong.ts");
  assert.match(output, /wrong\.ts\(2,7\): error TS2322/, output);
});

test("types: tests/types/consumer.ts compiles with --strict and exactOptionalPropertyTypes (options given as undefined)", async () => {
  const { code, output } = await tsc("consumer.ts", "nodenext", true);
  assert.equal(code, 0, `tsc failed:\n${output}`);
});

test("types: exactOptionalPropertyTypes is in force in that check (a file it alone refuses fails)", async () => {
  assert.equal((await tsc("wrong-exact.ts", "nodenext")).code, 0, "without the flag, wrong-exact.ts compiles");
  const { code, output } = await tsc("wrong-exact.ts", "nodenext", true);
  assert.notEqual(code, 0, "tsc accepted wrong-exact.ts with exactOptionalPropertyTypes");
  assert.match(output, /wrong-exact\.ts\(2,7\): error TS2375/, output);
});

/**
 * What in a .d.ts text has no JSDoc comment: each exported declaration
 * (`export interface`, `export declare function`, each overload), and each
 * member of the interfaces named in `members`; as "Name" or "Name.member".
 */
function undocumented(text, members) {
  const file = ts.createSourceFile("index.d.ts", text, ts.ScriptTarget.Latest, true);
  const missing = [];
  const documented = (node) => ts.getJSDocCommentsAndTags(node).length > 0;
  for (const statement of file.statements) {
    if (!statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const declarations = ts.isVariableStatement(statement) ? statement.declarationList.declarations : [statement];
    for (const declaration of declarations) {
      const name = declaration.name?.getText(file) ?? "(default)";
      if (!documented(declaration)) missing.push(name);
      if (ts.isInterfaceDeclaration(declaration) && members.includes(name)) {
        for (const member of declaration.members) if (!documented(member)) missing.push(`${name}.${member.name?.getText(file)}`);
      }
    }
  }
  return missing;
}

test("types: every export of the shipped .d.ts files, and every member of Client and Mock, has a JSDoc comment", () => {
  const manifest = JSON.parse(readFileSync(join(consumer.packageDir, "package.json"), "utf8"));
  const files = [...new Set(Object.values(manifest.exports).flatMap((entry) => (typeof entry === "object" && entry.types ? [entry.types] : [])))];
  assert.deepEqual(files.sort(), ["./index.d.ts", "./mock/index.d.ts", "./node-adapter.d.ts", "./quote/index.d.ts", "./workflows.d.ts"]);
  const missing = files.flatMap((path) => undocumented(readFileSync(join(consumer.packageDir, path), "utf8"), ["Client", "Mock"]).map((name) => `${path}: ${name}`));
  assert.deepEqual(missing, [], "exported without JSDoc");
  // The check can fail: an interface, a method, an overload and a constant without one.
  const bare = "/** A. */\nexport interface A { x: 1 }\nexport interface Client {\n  /** Documented. */\n  a(): void;\n  b(): void;\n}\n/** One. */\nexport declare function f(a: string): void;\nexport declare function f(a: number): void;\nexport const C: number;\n";
  assert.deepEqual(undocumented(bare, ["Client"]), ["Client", "Client.b", "f", "C"]);
});
