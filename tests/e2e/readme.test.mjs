// Type-checks every JavaScript and TypeScript code block of the README with
// `tsc --strict`, against the package installed from its tarball (its
// `exports` and `.d.ts`), so the README cannot drift from the types; and
// again with `exactOptionalPropertyTypes`, which projects turn on and where
// an option read from `process.env` (a string or undefined) must still fit. Each
// block is its own module; the names a block leaves to the reader (the
// page's `video_id`, your `isSignedIn`) are declared in PRELUDE. Errors are
// reported at their README line.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BIN, REPO, createConsumer } from "./consumer.mjs";

/** Fenced blocks of these languages are checked; others (sh, html) are not code for tsc. */
const LANGUAGES = { js: "js", javascript: "js", ts: "ts", typescript: "ts" };

/** Type packages the examples import (Node's own, the frameworks shown), taken from the repo's dev dependencies. */
const TYPE_PACKAGES = ["@types/node", "hono", "express", "@types/express"];

/** What the README's fragments assume the reader has. */
const PRELUDE = `
declare global {
  /** A page's form values and its render function. */
  const video_id: string;
  const prompt: string;
  function render(status: string): void;
  /** Your own check of a caller. */
  function isSignedIn(request: Request): boolean | Promise<boolean>;
  /** A secret being rotated out. */
  const OLD_SECRET: string;
}
export {};
`;

/**
 * The Workflows types the "Long chains" block uses, which a Worker project
 * gets from @cloudflare/workers-types (not a dependency here): only the
 * parts the block touches, in the same shape.
 */
const CLOUDFLARE = `
declare module "cloudflare:workers" {
  export abstract class WorkflowEntrypoint<Env = unknown, Params = unknown> {
    protected env: Env;
    abstract run(event: WorkflowEvent<Params>, step: WorkflowStep): Promise<unknown>;
  }
}
interface WorkflowEvent<Params> { payload: Readonly<Params>; timestamp: Date; instanceId: string }
type Serializable<T> = T extends (...args: never[]) => unknown ? never : T extends object ? { [K in keyof T]: Serializable<T[K]> } : T;
interface WorkflowStepConfig { retries?: { limit: number; delay: string | number; backoff?: "constant" | "linear" | "exponential" }; timeout?: string | number }
interface WorkflowStep {
  do<T>(name: string, callback: () => Promise<T>): Promise<T>;
  do<T>(name: string, config: WorkflowStepConfig, callback: () => Promise<T>): Promise<T>;
  sleep(name: string, duration: \`\${number} \${"second" | "seconds" | "minute" | "minutes"}\` | number): Promise<void>;
  // Constrained as @cloudflare/workers-types has it, which a generic WorkflowStepLike could not take.
  waitForEvent<T extends Serializable<T>>(name: string, options: { type: string; timeout?: string | number }): Promise<{ payload: Readonly<T>; timestamp: Date; type: string }>;
}
interface InstanceStatus {
  status: "queued" | "running" | "paused" | "errored" | "terminated" | "complete" | "waiting" | "waitingForPause" | "unknown";
  error?: { name: string; message: string };
  output?: unknown;
}
interface WorkflowInstance { id: string; status(): Promise<InstanceStatus>; sendEvent(event: { type: string; payload: unknown }): Promise<void> }
interface Workflow { create(options?: { id?: string; params?: unknown }): Promise<WorkflowInstance>; get(id: string): Promise<WorkflowInstance> }
`;

/** The README's checkable blocks: { lang, line (of the first code line), code }. */
export function readmeBlocks(text) {
  const blocks = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    assert.notEqual(end, -1, `README.md:${i + 1}: a code block is never closed`);
    const lang = LANGUAGES[open[1]];
    if (lang) blocks.push({ lang, line: i + 2, code: lines.slice(i + 1, end).join("\n") });
    i = end;
  }
  return blocks;
}

const consumer = await createConsumer({ name: "readme" });
after(() => consumer.cleanup());
for (const name of TYPE_PACKAGES) {
  const link = join(consumer.dir, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(join(REPO, "node_modules", name), link);
}
writeFileSync(join(consumer.dir, "readme-prelude.d.ts"), PRELUDE);
writeFileSync(join(consumer.dir, "readme-cloudflare.d.ts"), CLOUDFLARE);

/**
 * Writes `blocks` as modules (a block without imports gets `export {}`, so
 * blocks never share names) and runs tsc over them, `exact`: with
 * exactOptionalPropertyTypes; resolves { code, output } with file
 * positions turned into README lines.
 */
function check(blocks, name, exact = false) {
  const files = blocks.map((block, i) => {
    const file = `${name}-${i + 1}.${block.lang}`;
    writeFileSync(join(consumer.dir, file), `${block.code}\nexport {};\n`);
    return { file, block };
  });
  const config = `tsconfig.${name}.json`;
  const compilerOptions = {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom", "dom.iterable"],
    types: ["node"],
    skipLibCheck: true,
    exactOptionalPropertyTypes: exact,
  };
  writeFileSync(join(consumer.dir, config), JSON.stringify({ compilerOptions, files: ["readme-prelude.d.ts", "readme-cloudflare.d.ts", ...files.map((f) => f.file)] }));
  return new Promise((resolve) => {
    execFile(join(BIN, "tsc"), ["-p", config], { cwd: consumer.dir }, (err, stdout, stderr) => {
      let output = `${stdout}${stderr}`;
      for (const { file, block } of files) {
        output = output.replaceAll(new RegExp(`${file.replace(".", "\\.")}\\((\\d+),(\\d+)\\)`, "g"), (_, line, column) => `README.md:${block.line + Number(line) - 1}:${column}`);
      }
      resolve({ code: err ? 1 : 0, output });
    });
  });
}

const blocks = readmeBlocks(readFileSync(join(REPO, "README.md"), "utf8"));

test("readme: every JavaScript and TypeScript block type-checks with --strict against the packed package", async () => {
  assert.ok(blocks.length >= 10, `the README's code blocks were found (${blocks.length})`);
  const { code, output } = await check(blocks, "readme");
  assert.equal(code, 0, `tsc --strict failed on README blocks:\n${output}`);
});

test("readme: every block type-checks with exactOptionalPropertyTypes too", async () => {
  const { code, output } = await check(blocks, "readme-exact", true);
  assert.equal(code, 0, `tsc --strict --exactOptionalPropertyTypes failed on README blocks:\n${output}`);
});

test("readme: exactOptionalPropertyTypes is in force in that check (a block it alone refuses fails)", async () => {
  const code = 'import type { Job } from "kling-extend";\n\nconst job: Job = { id: "j", model: "m", status: "queued", raw: null, error: undefined };';
  const wrong = { lang: "ts", line: 600, code };
  assert.equal((await check([wrong], "wrong-exact-off")).code, 0, "without the flag, the block compiles");
  const { code: exitCode, output } = await check([wrong], "wrong-exact", true);
  assert.notEqual(exitCode, 0, "tsc accepted the block with exactOptionalPropertyTypes");
  assert.match(output, /README\.md:602:7: error TS2375/, output);
});

test("readme: a wrongly typed block fails, reported at its README line (the check can fail)", async () => {
  const wrong = { lang: "ts", line: 500, code: 'import { quote } from "kling-extend";\n\nconst rupees: string = quote({ seconds: 5 }).inr;' };
  const { code, output } = await check([wrong], "wrong");
  assert.notEqual(code, 0, "tsc accepted a wrong block");
  assert.match(output, /README\.md:502:7: error TS2322/, output);
});
