// The build on any stable Rust (scripts/build.sh): a compiler that refuses
// the size flags gets the stable-only build, which loads and answers like the
// shipped one, only larger; and what the crates would publish.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILDS, measure } from "../scripts/size.mjs";
import { runCommand } from "./e2e/toolchain.mjs";

const REPO = fileURLToPath(new URL("..", import.meta.url));
/** Where the stable-only build goes, beside the shipped pkg/. */
const STABLE = "target/stable/pkg";
const WASM = ["web", "server", "quote"].map((build) => `${build}/kling_extend_bg.wasm`);

/** Paths of std's sources: the panic locations only the size flags take out. */
const stdLocations = (dir, file) => (readFileSync(join(REPO, dir, file), "latin1").match(/library\/(core|alloc|std)\/src\//g) ?? []).length;

const entry = (dir, file) => import(pathToFileURL(join(REPO, dir, file)).href);

test("build: a rustc that refuses the size flags gets the stable-only build, its size printed", async (t) => {
  rmSync(join(REPO, STABLE, ".built"), { force: true }); // Built again, so the probe runs.
  const { stdout, stderr } = await runCommand("bash", ["scripts/build.sh"], {
    cwd: REPO,
    env: { ...process.env, RUSTC: join(REPO, "tests/rustc-without-size-flags.sh"), KLING_EXTEND_BUILD: "auto", KLING_EXTEND_PKG: STABLE },
  });
  assert.match(stderr, /refused the size flags; building stable-only/);
  assert.match(stderr, /incorrect value `immediate-abort` for codegen option `panic`/, "the compiler's reason is shown");
  assert.match(stdout, /stable-only/);
  assert.match(stdout, /^\| total \(browser\) .*\|$/m, "the stable-only build's sizes are printed");
  for (const file of WASM) {
    assert.ok(stdLocations(STABLE, file) > 0, `${STABLE}/${file} is a stable-only build (std's panic locations in it)`);
    assert.ok(!readFileSync(join(REPO, STABLE, file), "latin1").includes(homedir()), `${STABLE}/${file} names no path of the builder's home`);
  }
  const stable = measure(BUILDS.browser, STABLE).total.brotli;
  const shipped = measure(BUILDS.browser).total.brotli;
  t.diagnostic(`the page: ${stable} B brotli stable-only, ${shipped} B with the size flags (+${stable - shipped} B)`);
});

test("build: pkg/ is the size flags' build (no panic location of std in its wasm)", () => {
  for (const file of WASM) assert.equal(stdLocations("pkg", file), 0, `pkg/${file}`);
});

test("build: the stable-only build loads in Node and quotes, validates and signs as the shipped one", async () => {
  const [stable, shipped] = await Promise.all([entry(STABLE, "node.js"), entry("pkg", "node.js")]);
  const [stableQuote, shippedQuote] = await Promise.all([entry(STABLE, "quote/node.js"), entry("pkg", "quote/node.js")]);
  const inputs = [
    { seconds: 10, resolution: "1080p" },
    { seconds: 123_456, resolution: "720p", discountPercent: 12.5 },
    { provider: "kling", mode: "professional", seconds: 17, unitPrice: { amount: 0.14, currency: "USD" } },
  ];
  for (const input of inputs) {
    assert.deepEqual(stable.quote(input), shipped.quote(input), JSON.stringify(input));
    assert.deepEqual(stableQuote.quote(input), shippedQuote.quote(input), `kling-extend/quote: ${JSON.stringify(input)}`);
  }
  assert.equal(stable.quote({ seconds: 10, resolution: "1080p" }).formatted, "₹300.00");
  const chain = { sourceSeconds: 5, extensions: 3 };
  assert.deepEqual(stable.quoteChain(chain), shipped.quoteChain(chain));
  assert.equal(stable.signKlingToken("ak", "sk", 1_700_000_000), shipped.signKlingToken("ak", "sk", 1_700_000_000));
  const refusal = (call) => {
    try {
      call();
    } catch (err) {
      return { code: err.code, field: err.field, message: err.message };
    }
    assert.fail("expected a throw");
  };
  const bad = { video_id: "v", cfg_scale: 2 };
  assert.deepEqual(refusal(() => stable.validateRequest(bad)), refusal(() => shipped.validateRequest(bad)));
  assert.equal(refusal(() => stable.quote({ seconds: -1 })).code, "invalid_request");
});

test("crate: cargo package would ship the Rust sources, the license, README and changelog, nothing else", async () => {
  const { stdout } = await runCommand("cargo", ["package", "--list", "--allow-dirty", "--quiet"], { cwd: REPO });
  const files = stdout.trim().split("\n");
  for (const file of ["LICENSE", "README.md", "CHANGELOG.md", "Cargo.toml", "src/lib.rs"]) assert.ok(files.includes(file), `${file} in ${files.join(", ")}`);
  const other = files.filter((file) => !/^(src\/.+\.rs|LICENSE|README\.md|CHANGELOG\.md|Cargo\.(toml|toml\.orig|lock)|\.cargo_vcs_info\.json)$/.test(file));
  assert.deepEqual(other, [], "files that are no part of the crate");
  const { stdout: tracked } = await runCommand("git", ["ls-files", "src/*.rs"], { cwd: REPO });
  const missing = tracked.trim().split("\n").filter((file) => !files.includes(file));
  assert.deepEqual(missing, [], "Rust sources left out");
});

test("crates: cargo package would ship the core's and the Rust client's sources, README and license text, nothing else", async () => {
  for (const [crate, dir] of [["kling-extend-core", "crates/core"], ["kling-extend-client", "crates/client"]]) {
    const { stdout } = await runCommand("cargo", ["package", "-p", crate, "--list", "--allow-dirty", "--quiet"], { cwd: REPO });
    const files = stdout.trim().split("\n");
    for (const file of ["LICENSE", "README.md", "Cargo.toml", "src/lib.rs"]) assert.ok(files.includes(file), `${crate}: ${file} in ${files.join(", ")}`);
    const other = files.filter((file) => !/^(src\/.+\.rs|LICENSE|README\.md|Cargo\.(toml|toml\.orig|lock)|\.cargo_vcs_info\.json)$/.test(file));
    assert.deepEqual(other, [], `${crate}: files that are no part of the crate`);
    const { stdout: tracked } = await runCommand("git", ["ls-files", `${dir}/src/*.rs`], { cwd: REPO });
    const missing = tracked.trim().split("\n").map((file) => file.slice(dir.length + 1)).filter((file) => !files.includes(file));
    assert.deepEqual(missing, [], `${crate}: Rust sources left out`);
    // The license text itself, not the link the repository keeps (cargo packages what it points to).
    assert.match(readFileSync(join(REPO, dir, "LICENSE"), "utf8"), /^MIT License\n/, `${dir}/LICENSE`);
  }
});
