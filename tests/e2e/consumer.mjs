// Makes a throw-away consumer project that installs kling-extend the way a
// user does: `npm pack` of pkg/, then `npm install <tarball>` in a fresh
// directory. The e2e scenarios are copied next to it, so the bare specifier
// "kling-extend" resolves through the package's `exports`, per runtime.
//
//   const consumer = await createConsumer();
//   consumer.dir          // the project root (package.json, node_modules, scenarios.js, assert.js)
//   consumer.packageDir   // <dir>/node_modules/kling-extend
//   consumer.tarball      // the packed .tgz
//   consumer.packedFiles  // paths inside the tarball, as npm pack reported them
//   await consumer.cleanup()
//
// Environment: KLING_E2E_BUILD=1 runs `bash scripts/build.sh` first (by
// default pkg/ must already be built, as scripts/test.sh does); KLING_E2E_KEEP=1 keeps the temp directory (its path is printed).
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

/** The runtime-neutral files every runner loads (scenarios.js imports the rest). */
const SCENARIO_FILES = ["scenarios.js", "support.js", "trinetra.scenarios.js", "kling.scenarios.js", "webhook.scenarios.js", "hostile.scenarios.js", "conventions.scenarios.js", "integrity.scenarios.js", "assert.js"];

const run = promisify(execFile);
const HERE = fileURLToPath(new URL(".", import.meta.url));
export const REPO = resolve(HERE, "../..");
export const PKG = join(REPO, "pkg");
export const BIN = join(REPO, "node_modules", ".bin");
export const API_KEY = "test-key-123";

/**
 * How the browser tests launch Debian's chromium (never a downloaded one):
 * headless, and without the background networking this machine's closed
 * network refuses.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/**
 * Checks that pkg/ was built (scripts/test.sh runs `bash scripts/build.sh`
 * first). KLING_E2E_BUILD=1 runs the build here instead. The package is never
 * rebuilt behind the caller's back: other people may be building at the same time.
 */
export async function buildPackage() {
  if (process.env.KLING_E2E_BUILD) {
    try {
      await run("bash", ["scripts/build.sh"], { cwd: REPO, maxBuffer: 64 << 20 });
    } catch (err) {
      throw new Error(`bash scripts/build.sh failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
  }
  for (const file of ["package.json", "index.js", "node.js", "workerd.js", "web/kling_extend_bg.wasm", "server/kling_extend_bg.wasm"]) {
    if (!existsSync(join(PKG, file))) {
      throw new Error(`pkg/${file} is missing: run \`bash scripts/build.sh\` in ${REPO} first`);
    }
  }
}

/** npm with its cache and config kept inside `root`, quiet and offline-friendly. */
function npm(args, cwd, root) {
  return run("npm", args, {
    cwd,
    maxBuffer: 64 << 20,
    env: {
      ...process.env,
      npm_config_cache: join(root, ".npm-cache"),
      npm_config_userconfig: join(root, ".npmrc"),
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      npm_config_audit: "false",
      npm_config_loglevel: "error",
    },
  });
}

/**
 * @param {{ name?: string, files?: Record<string, string> }} [options]
 *   `files`: extra files to write into the project (path relative to its root → text)
 */
export async function createConsumer({ name = "consumer", files = {} } = {}) {
  await buildPackage();
  const root = mkdtempSync(join(tmpdir(), `kling-extend-e2e-${name}-`));
  try {
    writeFileSync(join(root, ".npmrc"), "");
    const packed = await npm(["pack", PKG, "--pack-destination", root, "--json"], root, root);
    const [info] = JSON.parse(packed.stdout);
    const tarball = join(root, info.filename);

    const dir = join(root, "app");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: `kling-extend-e2e-${name}`, version: "0.0.0", private: true, type: "module" }, null, 2)}\n`,
    );
    await npm(["install", "--no-audit", "--no-fund", "--offline", tarball], dir, root);

    for (const file of SCENARIO_FILES) copyFileSync(join(HERE, file), join(dir, file));
    // Resolved from inside the project, so "kling-extend/mock" goes through `exports` too.
    writeFileSync(join(dir, "mock-entry.mjs"), 'export { startMock } from "kling-extend/mock";\n');
    writeFileSync(
      join(dir, "package-entry.mjs"),
      'export * from "kling-extend";\nexport const resolved = import.meta.resolve("kling-extend");\n',
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }

    return {
      root,
      dir,
      tarball,
      packageDir: join(dir, "node_modules", "kling-extend"),
      packedFiles: info.files.map((f) => f.path),
      async cleanup() {
        if (process.env.KLING_E2E_KEEP) {
          console.error(`kling-extend e2e: kept ${root}`);
          return;
        }
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs every closer in order even if some fail (so the temp dir is always
 * removed), then throws the first failure.
 * @param {Array<(() => unknown) | undefined>} closers
 */
export async function closeAll(closers) {
  let first;
  for (const close of closers) {
    try {
      await close?.();
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}

/** Imports a file of the consumer project (so its bare imports resolve from there). */
export function importFrom(consumer, file) {
  return import(pathToFileURL(join(consumer.dir, file)).href);
}

/** Starts the mock from the installed package (`kling-extend/mock`). */
export async function startInstalledMock(consumer) {
  const { startMock } = await importFrom(consumer, "mock-entry.mjs");
  return startMock({ port: 0, apiKeys: [API_KEY] });
}

/**
 * A consumer project and the installed mock running for it; the project is
 * removed again if the mock cannot start. The caller closes both.
 */
export async function createConsumerWithMock(options) {
  const consumer = await createConsumer(options);
  try {
    return { consumer, mock: await startInstalledMock(consumer) };
  } catch (err) {
    await consumer.cleanup();
    throw err;
  }
}

/** The ctx the scenarios expect; `hostile`: a running hostile-server.mjs. */
export function scenarioContext(mock, runtime, hostile) {
  const browser = runtime.startsWith("chromium");
  return {
    mockUrl: mock.url,
    hostile: { url: hostile.url, otherUrl: hostile.otherUrl, rawUrl: hostile.rawUrl },
    apiKey: API_KEY,
    runtime,
    options: { baseUrl: mock.url, apiKey: API_KEY, ...(browser ? { dangerouslyAllowBrowser: true } : {}) },
  };
}

/**
 * Miniflare's options for the Worker that wranglerDryRun bundled into
 * `dist` (its one .js file), with `options` (bindings, workflows, a port…)
 * added. Module names are paths relative to `dist`: the default root (the
 * cwd) would need "../" to reach the temp dir, which workerd refuses.
 */
export function bundledWorker(dist, options) {
  return {
    modules: true,
    scriptPath: join(dist, readdirSync(dist).find((file) => file.endsWith(".js"))),
    modulesRoot: dist,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    ...options,
  };
}

/**
 * Bundles the consumer's Worker as a user would (`wrangler deploy --dry-run
 * --outdir dist`) and returns wrangler's output. HOME and XDG_CONFIG_HOME
 * point into the temp dir so wrangler writes nothing elsewhere; CI=true so it
 * never prompts; no metrics.
 */
export async function wranglerDryRun(consumer) {
  const home = join(consumer.root, "home");
  mkdirSync(home, { recursive: true });
  try {
    const out = await run(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
      cwd: consumer.dir,
      maxBuffer: 64 << 20,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, ".config"),
        WRANGLER_SEND_METRICS: "false",
        CI: "true",
        NO_COLOR: "1",
      },
    });
    return out.stdout + out.stderr;
  } catch (err) {
    throw new Error(`wrangler deploy --dry-run failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
}

/**
 * Checks that wrangler bundled the package's `workerd` entry: the `.wasm`
 * emitted as a module beside the bundle and imported statically, and
 * neither the Node entry nor the browser one.
 */
export function assertWorkerdBundle(assert, dist, bundle, wranglerOutput) {
  assert.match(wranglerOutput, /--dry-run: exiting now/);
  const wasmFiles = readdirSync(dist).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasmFiles.length, 1, `one .wasm module next to the bundle (dist: ${readdirSync(dist).join(", ")})`);
  const imports = [...bundle.matchAll(/^import\s+(\w+)\s+from\s+"\.\/([^"]+\.wasm)";?$/gm)];
  assert.equal(imports.length, 1, "the bundle imports the .wasm statically (workerd.js)");
  assert.equal(imports[0][2], wasmFiles[0], "it imports the file wrangler emitted");
  assert.ok(!bundle.includes("readFileSync") && !bundle.includes("node:fs"), "not the node entry");
  assert.ok(!bundle.includes("web/kling_extend_bg.wasm"), "not the browser entry (which fetches web/…wasm by URL)");
}

/**
 * Grows the memory of the installed package's server wasm (the instance its
 * Node entry uses: same module URL, so same glue) to within 2 MiB of what the
 * engine allows. The allocator does not know of these pages, so the next
 * allocation of more than the little it has left traps, as it would after a
 * hostile answer filled the memory: a real trap, with nothing stubbed.
 */
export async function fillWasmMemory(consumer) {
  const memory = await wasmMemory(consumer);
  for (let pages = 2 ** 15; pages >= 32; ) {
    try {
      memory.grow(pages);
    } catch {
      pages /= 2;
    }
  }
  return memory.buffer.byteLength;
}

/** The linear memory of the installed package's server wasm, the instance its Node entry uses. */
export async function wasmMemory(consumer) {
  const glue = await import(pathToFileURL(join(consumer.packageDir, "server", "kling_extend.js")).href);
  return glue.initSync().memory; // Already initialised: answers the instance's exports.
}
