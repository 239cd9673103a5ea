// The package as the registry gets it: `npm publish --dry-run` of pkg/, the
// tarball's files against what its entries, bin and types import, the
// ecosystem's checkers (publint, @arethetypeswrong/cli) on the packed
// tarball, a CommonJS project loading it the way the README says, and the
// README's links, which must work where it is read: in node_modules, on
// npmjs.com and on GitHub.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { BIN, PKG, REPO, createConsumer } from "./consumer.mjs";
import { runCommand } from "./toolchain.mjs";

const run = promisify(execFile);
const consumer = await createConsumer({ name: "package" });
after(() => consumer.cleanup());
const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));

/** Shipped for people, not imported: the README, the license, the changelog, the mock's README. */
const DOCUMENTS = ["README.md", "LICENSE", "CHANGELOG.md", "mock/README.md"];
/** The repository's branch that absolute links to its files name. */
const BRANCH = "main";
/** Sites the README may link to besides the repository (a new one is added here on purpose). */
const SITES = ["https://www.standardwebhooks.com/", "https://developers.cloudflare.com/", "https://semver.org", "https://doc.rust-lang.org/", "https://keepachangelog.com/"];
/** The entries a CommonJS project can load in Node (kling-extend/workflows runs in Workers only). */
const NODE_ENTRIES = ["kling-extend", "kling-extend/quote", "kling-extend/node", "kling-extend/mock"];

/** npm with its cache and config in the consumer's temp dir, offline. */
function npm(args) {
  return runCommand("npm", [...args, "--offline"], {
    cwd: consumer.root,
    env: {
      ...process.env,
      npm_config_cache: join(consumer.root, ".npm-cache"),
      npm_config_userconfig: join(consumer.root, ".npmrc"),
      npm_config_update_notifier: "false",
    },
  });
}

/** attw's analysis of `tarball`. It exits 1 on any problem, warnings included: its JSON says which. */
async function attw(tarball) {
  const { stdout } = await run(join(BIN, "attw"), [tarball, "--format", "json"], { maxBuffer: 64 << 20 }).catch((err) => {
    if (err.stdout) return err;
    throw err;
  });
  return JSON.parse(stdout).analysis;
}

/** Every string in a manifest field (an exports map's conditions, bin, typesVersions). */
const strings = (value) =>
  typeof value === "string" ? [value] : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];

/**
 * The module specifiers and asset URLs in `file` (a path in pkg/), read by
 * TypeScript's parser from the built file: static and dynamic
 * imports, re-exports, `new URL("./x", import.meta.url)`, and in types
 * `import("./x")` types.
 */
function specifiers(file) {
  const text = readFileSync(join(PKG, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found = [];
  const literal = (node) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const isImportMetaUrl = (node) => node && ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression);
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) found.push(literal(node.moduleSpecifier));
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(literal(node.arguments[0]));
    else if (ts.isNewExpression(node) && node.expression.getText(source) === "URL" && isImportMetaUrl(node.arguments?.[1])) found.push(literal(node.arguments[0]));
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) found.push(literal(node.argument.literal));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter(Boolean);
}

/**
 * The package's files that `file` needs: what its relative specifiers name
 * (without a query such as `?module`); in types, a `.js` specifier names
 * its `.d.ts`.
 */
function references(file) {
  return specifiers(file)
    .filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"))
    .map((specifier) => {
      const path = posix.join(posix.dirname(file), specifier.replace(/\?.*$/, ""));
      return file.endsWith(".d.ts") ? path.replace(/\.js$/, ".d.ts") : path;
    });
}

/** What the manifest's entries, bin and types reach, file by file. */
function neededFiles() {
  const starts = [...strings(manifest.exports), ...strings(manifest.bin), manifest.types, ...strings(manifest.typesVersions)];
  const needed = new Set(["package.json", ...DOCUMENTS]);
  const queue = starts.map((path) => posix.normalize(path));
  while (queue.length > 0) {
    const file = queue.pop();
    if (needed.has(file)) continue;
    needed.add(file);
    if (/\.(js|ts)$/.test(file)) queue.push(...references(file));
  }
  return needed;
}

/** The difference of two file lists, in words, for a failed comparison. */
function difference(actual, expected) {
  const extra = actual.filter((file) => !expected.includes(file));
  const missing = expected.filter((file) => !actual.includes(file));
  return `extra: ${extra.join(", ") || "none"}; missing: ${missing.join(", ") || "none"}`;
}

test("package: npm publish --dry-run of pkg/ publishes the packed files, with no warning but the login it skips", async (t) => {
  const { stdout, stderr } = await npm(["publish", "--dry-run", "--json", PKG]);
  const published = JSON.parse(stdout)[manifest.name];
  const files = published.files.map((file) => file.path).sort();
  const packed = [...consumer.packedFiles].sort();
  assert.deepEqual(files, packed, `publish and pack disagree (${difference(files, packed)})`);
  const warnings = stderr.split("\n").filter((line) => line.startsWith("npm warn") && !/requires you to be logged in .*\(dry-run\)/.test(line));
  assert.deepEqual(warnings, [], "npm publish --dry-run warned");
  t.diagnostic(`${published.id}: ${published.entryCount} files, packed ${published.size} B, unpacked ${published.unpackedSize} B`);
});

test("package: the tarball holds exactly what the entries, bin and types import, and the documents", () => {
  const needed = [...neededFiles()].sort();
  const packed = [...consumer.packedFiles].sort();
  assert.deepEqual(packed, needed, `the tarball is not what the package needs (${difference(packed, needed)})`);
  assert.ok(!packed.some((file) => file.endsWith(".map")), "no source maps");
});

test("package: publint --strict finds nothing in the packed tarball", async (t) => {
  const { stdout } = await runCommand(join(BIN, "publint"), ["run", consumer.tarball, "--strict"]);
  assert.match(stdout, /All good!/, stdout);
  t.diagnostic(stdout.trim().split("\n").at(-1));
});

test("package: attw finds every entry's types in node10, node16 (CJS and ESM) and bundler; only require() of ESM is left", async (t) => {
  const analysis = await attw(consumer.tarball);
  const entries = Object.keys(manifest.exports);
  assert.deepEqual(Object.keys(analysis.entrypoints).sort(), [...entries].sort(), "attw checked every entry");
  const kinds = ["node10", "node16-cjs", "node16-esm", "bundler"];
  for (const entry of entries) {
    const types = manifest.exports[entry].types ?? manifest.exports[entry];
    for (const kind of kinds) {
      const file = analysis.entrypoints[entry].resolutions[kind]?.resolution?.fileName;
      assert.equal(file, `/node_modules/${manifest.name}/${posix.normalize(types)}`, `${entry} under ${kind}`);
    }
  }
  const left = analysis.problems.map((p) => `${p.kind} ${p.entrypoint} ${p.resolutionKind}`).sort();
  const expected = entries.filter((e) => e !== "./package.json").map((e) => `CJSResolvesToESM ${e} node16-cjs`).sort();
  assert.deepEqual(left, expected, "the problems attw reports");
  t.diagnostic(`attw: ${entries.length} entries × ${kinds.join(", ")}: types found; ${left.length} warnings, each CJSResolvesToESM (node16 from CommonJS)`);
});

test(
  "package: a CommonJS project loads every Node entry with require() (Node ≥ 20.19, 22.12), typed by TypeScript's nodenext",
  { skip: !process.features.require_module && `Node ${process.version} has no require() of ES modules` },
  async () => {
    writeFileSync(
      join(consumer.dir, "require.cts"),
      `import kling = require("kling-extend");
import quoteOnly = require("kling-extend/quote");
import adapter = require("kling-extend/node");
import mock = require("kling-extend/mock");

const answer = {
  quote: kling.quote({ seconds: 10, resolution: "1080p" }).formatted,
  units: quoteOnly.quote({ provider: "kling", mode: "professional", seconds: 5 }).units,
  adapter: [typeof adapter.toNodeListener, typeof adapter.createServer],
  mock: typeof mock.startMock,
};
console.log(JSON.stringify(answer));
`,
    );
    writeFileSync(
      join(consumer.dir, "tsconfig.cjs.json"),
      JSON.stringify({
        compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", types: [], outDir: "." },
        files: ["require.cts"],
      }),
    );
    await runCommand(join(BIN, "tsc"), ["-p", "tsconfig.cjs.json"], { cwd: consumer.dir });
    const emitted = readFileSync(join(consumer.dir, "require.cjs"), "utf8");
    assert.match(emitted, /require\("kling-extend"\)/, "tsc emitted require()");
    const { stdout } = await runCommand(process.execPath, ["require.cjs"], { cwd: consumer.dir });
    assert.deepEqual(JSON.parse(stdout), { quote: "₹300.00", units: 3.5, adapter: ["function", "function"], mock: "function" });
  },
);

test("package: without require() of ES modules (Node before 20.19, 22.12), CommonJS loads every Node entry with await import()", async () => {
  writeFileSync(
    join(consumer.dir, "import.cjs"),
    `const entries = ${JSON.stringify(NODE_ENTRIES)};
(async () => {
  const refused = entries.map((entry) => { try { require(entry); return "loaded"; } catch (err) { return err.code; } });
  const loaded = [];
  for (const entry of entries) loaded.push(Object.keys(await import(entry)).length > 0);
  const { quote } = await import("kling-extend");
  console.log(JSON.stringify({ refused, loaded, credits: quote({ seconds: 10, resolution: "1080p" }).credits }));
})();
`,
  );
  const { stdout } = await runCommand(process.execPath, ["--no-experimental-require-module", "import.cjs"], { cwd: consumer.dir });
  assert.deepEqual(JSON.parse(stdout), {
    refused: NODE_ENTRIES.map(() => "ERR_REQUIRE_ESM"),
    loaded: NODE_ENTRIES.map(() => true),
    credits: 300,
  });
});

/** Every link and image target in a Markdown text, outside code blocks and code spans. */
function markdownLinks(text) {
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").replace(/(`+)[\s\S]*?\1/g, "");
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

/** The anchors GitHub and npmjs.com give a Markdown text's headings: lower case, punctuation dropped, spaces as "-", repeats numbered. */
function headingAnchors(text) {
  const anchors = new Set();
  for (const [, heading] of text.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/**
 * Why `link` does not resolve for a reader of the installed package, of
 * npmjs.com or of the repository, or undefined when it does. A relative link
 * must name a file in the tarball that the repository holds at the same path
 * (npmjs.com resolves relative links against the repository); an absolute
 * one a file or folder of the repository on its main branch, or a known site.
 */
function unresolved(link, { anchors, packed, tracked, repository }) {
  if (link.startsWith("#")) return anchors.has(link.slice(1)) ? undefined : "no heading has this anchor";
  if (!/^[a-z][a-z+.-]*:/i.test(link)) {
    const path = posix.normalize(link.replace(/[?#].*$/, ""));
    if (!packed.has(path)) return "not a file of the packed package";
    return tracked.has(path) ? undefined : "not at this path in the repository (npmjs.com resolves it there)";
  }
  const ours = [`${repository}/blob/${BRANCH}/`, `${repository}/tree/${BRANCH}/`, `${repository.replace("https://github.com/", "https://raw.githubusercontent.com/")}/${BRANCH}/`];
  const prefix = ours.find((start) => link.startsWith(start));
  if (prefix !== undefined) {
    const path = decodeURIComponent(link.slice(prefix.length).replace(/[?#].*$/, "")).replace(/\/$/, "");
    const found = prefix.includes("/tree/") ? [...tracked].some((file) => file.startsWith(`${path}/`)) : tracked.has(path);
    return found ? undefined : `the repository has no ${prefix.includes("/tree/") ? "folder" : "file"} ${path}`;
  }
  return SITES.some((site) => link.startsWith(site)) ? undefined : "neither the repository nor a known site";
}

test("package: the manifest names the repository, and every link of the shipped README resolves in the package, on npmjs.com and on GitHub", async (t) => {
  const repository = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(manifest.repository?.url ?? "")?.[1];
  assert.ok(repository, `repository.url is git+https://github.com/<owner>/<name>.git (${JSON.stringify(manifest.repository)})`);
  const readme = readFileSync(join(consumer.packageDir, "README.md"), "utf8");
  const { stdout } = await runCommand("git", ["ls-files"], { cwd: REPO });
  const context = {
    anchors: headingAnchors(readme),
    packed: new Set(consumer.packedFiles),
    tracked: new Set(stdout.split("\n").filter(Boolean)),
    repository,
  };
  const links = markdownLinks(readme);
  assert.ok(links.length >= 10, `the README's links were found (${links.length})`);
  const broken = links.map((link) => [link, unresolved(link, context)]).filter(([, why]) => why !== undefined);
  assert.deepEqual(broken, [], "links that do not resolve");
  // The check can fail: what used to be there, and what is not.
  for (const link of ["docs/screenshot.png", "src/mock/README.md", "#no-such-heading", `${repository}/blob/${BRANCH}/no/such/file.md`, "https://example.com/"]) {
    assert.notEqual(unresolved(link, context), undefined, `${link} is refused`);
  }
  t.diagnostic(`${links.length} links: ${links.filter((link) => link.startsWith("#")).length} anchors, ${links.filter((link) => link.startsWith(repository) || link.includes("raw.githubusercontent.com")).length} into the repository`);
});

test("package: the links of the other shipped documents (the changelog, the mock's README) resolve too", async () => {
  const { stdout } = await runCommand("git", ["ls-files"], { cwd: REPO });
  const tracked = new Set(stdout.split("\n").filter(Boolean));
  const repository = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(manifest.repository.url)[1];
  const broken = [];
  for (const document of DOCUMENTS.filter((name) => name.endsWith(".md") && name !== "README.md")) {
    const text = readFileSync(join(consumer.packageDir, document), "utf8");
    const context = { anchors: headingAnchors(text), packed: new Set(consumer.packedFiles), tracked, repository };
    for (const link of markdownLinks(text)) {
      // A relative link from a folder of the package (mock/) names another path in the repository (src/mock/).
      const why = posix.dirname(document) !== "." && !/^(#|[a-z][a-z+.-]*:)/i.test(link) ? "relative, from a document outside the package's root" : unresolved(link, context);
      if (why !== undefined) broken.push([document, link, why]);
    }
  }
  assert.deepEqual(broken, [], "links that do not resolve");
});
