// Lists the public items of a Rust crate (the client, the core) that have no
// example in their documentation, and fails when there is one: every public item (type,
// function, method, trait item, constant) shows how it is used, and
// `cargo test --doc` compiles each example. Fields and enum variants are
// shown by their type's example.
//
//   node scripts/doc-examples.mjs [crate] [cargo features]
//   node scripts/doc-examples.mjs kling-extend-client reqwest,tokio   # what scripts/test.sh runs
//   node scripts/doc-examples.mjs kling-extend-core ""                # and for the core
//
// It reads rustdoc's JSON output (an unstable rustdoc option, enabled on the
// stable toolchain with RUSTC_BOOTSTRAP=1 for this one command, as the size
// build does for its flags): the items reachable from the crate's root,
// re-exports followed, and the inherent methods of each type. rustdoc's own
// `missing_doc_code_examples` lint is not used: it counts neither methods
// nor trait items. Any rustdoc warning (a broken intra-doc link) fails too.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [crate = "kling-extend-client", features = "reqwest,tokio"] = process.argv.slice(2);
const args = ["rustdoc", "--quiet", "-p", crate, "--lib"];
if (features) args.push("--features", features);
// -Dwarnings: a broken intra-doc link fails here too.
args.push("--", "-Zunstable-options", "--output-format", "json", "-Dwarnings");
execFileSync("cargo", args, { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, RUSTC_BOOTSTRAP: "1" } });

const metadata = JSON.parse(execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps"], { encoding: "utf8" }));
const docs = JSON.parse(readFileSync(join(metadata.target_directory, "doc", `${crate.replaceAll("-", "_")}.json`), "utf8"));

/** The documented public items: [kind, path, has an example]. */
function publicItems({ index, root }) {
  const found = [];
  const seen = new Set();
  const visit = (id, path) => {
    const item = index[id];
    if (item === undefined || seen.has(id)) return;
    seen.add(id);
    const [kind, inner] = Object.entries(item.inner)[0];
    if (kind === "use") return inner.id == null ? undefined : visit(inner.id, path);
    if (kind === "struct_field" || kind === "variant" || kind === "impl") return;
    const here = item.name ? [...path, item.name] : path;
    found.push([kind, here.join("::"), /```/.test(item.docs ?? "")]);
    if (kind === "module") inner.items.forEach((child) => visit(child, here));
    if (kind === "trait") inner.items.forEach((child) => visit(child, here));
    for (const implId of inner.impls ?? []) {
      const impl = index[implId]?.inner.impl;
      if (!impl || impl.trait || impl.is_synthetic || impl.blanket_impl) continue;
      impl.items.filter((child) => index[child]?.visibility === "public").forEach((child) => visit(child, here));
    }
  };
  visit(root, []);
  return found;
}

const items = publicItems(docs);
const missing = items.filter(([, , example]) => !example);
console.log(`${crate}: ${items.length} public items, ${missing.length} without an example`);
for (const [kind, path] of missing) console.log(`  ${kind} ${path}`);
if (items.length < 20) throw new Error(`only ${items.length} items found: has rustdoc's JSON format changed?`);
process.exitCode = missing.length === 0 ? 0 : 1;
