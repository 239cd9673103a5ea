// Type-checks tests/types/consumer.ts as a consumer project would: the
// package installed from its tarball, resolved through `exports` ("types"),
// with `tsc --strict --noEmit`, under both "nodenext" and "bundler" module
// resolution. A deliberately wrong file must fail, so the check can fail.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BIN, createConsumer } from "./consumer.mjs";

const SOURCE = fileURLToPath(new URL("../types/consumer.ts", import.meta.url));

const consumer = await createConsumer({ name: "types" });
after(() => consumer.cleanup());
copyFileSync(SOURCE, join(consumer.dir, "consumer.ts"));
writeFileSync(
  join(consumer.dir, "wrong.ts"),
  'import { quote } from "kling-extend";\nconst credits: string = quote({ seconds: 5 }).credits;\nvoid credits;\n',
);

/** Runs tsc on one file with a tsconfig; resolves { code, output }. */
function tsc(file, moduleKind) {
  const config = `tsconfig.${file}.${moduleKind}.json`;
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
