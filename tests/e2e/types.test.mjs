// Type-checks tests/types/consumer.ts as a consumer project would: the
// package installed from its tarball, resolved through `exports` ("types"),
// with `tsc --strict --noEmit`, under both "nodenext" and "bundler" module
// resolution, and with `exactOptionalPropertyTypes` (where an option given
// as `undefined`, an unset environment variable say, must still compile).
// Deliberately wrong files must fail, so each check can fail.
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
