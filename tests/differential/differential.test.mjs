// The differential test (issue 24): every scenario of scenarios.json runs
// through the npm package (pkg/, built by scripts/build.sh) and through the
// Rust client (crates/client/examples/differential.rs), each against a mock
// of its own behind a recorder; both must send the same requests and reach
// the same results. A difference fails the scenario with one line per
// differing member. See README.md here.
import { test } from "node:test";
import { execFile } from "node:child_process";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMock } from "../../src/mock/index.js";
import { startRecorder } from "./recorder.mjs";
import { runScenario } from "./runner.mjs";
import { differences, transcript } from "./transcript.mjs";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const FILE = fileURLToPath(new URL("scenarios.json", import.meta.url));
const all = JSON.parse(await readFile(FILE, "utf8"));
// The Node entry reads credentials from these when the options give none: the scenarios give theirs.
for (const name of ["TRINETRA_API_KEY", "KLING_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_EXTEND_LOG"]) delete process.env[name];

/** Builds the Rust side (quick when it is up to date) and resolves its executable's path. */
async function buildRustSide() {
  const args = ["build", "--quiet", "-p", "kling-extend-client", "--features", "reqwest,tokio", "--example", "differential", "--message-format=json"];
  const { stdout } = await run("cargo", args, { cwd: root, maxBuffer: 64 << 20 });
  const built = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .find((message) => message.reason === "compiler-artifact" && message.target?.name === "differential");
  if (!built?.executable) throw new Error("cargo built no differential example");
  return built.executable;
}

const sides = {
  js: (scenario, baseUrl) => runScenario(scenario, { ...all.clients[scenario.client], ...all.options, ...scenario.options, baseUrl }),
  rust: async (scenario, baseUrl) => {
    const { stdout } = await run(await rustSide, [FILE, scenario.name, baseUrl], { timeout: 30_000 });
    return JSON.parse(stdout);
  },
};
const rustSide = buildRustSide();

/** One side's run of `scenario` on a mock of its own (so request ids count alike), as its transcript. */
async function transcribe(side, scenario) {
  const mock = await startMock({ ...all.mock, ...scenario.mock });
  const recorder = await startRecorder(mock.url);
  try {
    if (scenario.jobIds) mock.nameJobs(scenario.jobIds);
    if (scenario.faults) mock.fault(scenario.faults);
    const { steps } = await sides[side](scenario, recorder.url);
    await settled(recorder.records);
    return transcript(steps, recorder.records, { mock: mock.url, base: recorder.url });
  } finally {
    await recorder.close();
    await mock.close();
  }
}

/**
 * Resolves once every exchange the recorder saw has ended (a client that
 * gave up on one may close its connection just after its call returned),
 * or after a second: an exchange still open then is compared as such.
 */
async function settled(records) {
  for (let waited = 0; waited < 1000 && records.some((record) => record.answer === null); waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Where DIFFERENTIAL_OUT names a directory, both transcripts of each scenario are written there. */
async function keep(index, transcripts) {
  const out = process.env.DIFFERENTIAL_OUT;
  if (!out) return;
  await mkdir(out, { recursive: true });
  await writeFile(`${out}/${String(index).padStart(2, "0")}.json`, JSON.stringify(transcripts, null, 2));
}

// Scenarios run side by side: each has its own mocks, and most of their time is waiting.
test("differential: the npm package and the Rust client", { concurrency: 4 }, async (t) => {
  await rustSide;
  await Promise.all(
    all.scenarios.map((scenario, index) =>
      t.test(scenario.name, async () => {
        const [js, rust] = await Promise.all([transcribe("js", scenario), transcribe("rust", scenario)]);
        await keep(index, { name: scenario.name, js, rust });
        const found = differences(js, rust);
        if (found.length > 0) {
          throw new Error(`the Rust client differs from the npm package in ${found.length} place(s):\n  ${found.join("\n  ")}`);
        }
        if (js.requests.length === 0 && !scenario.name.includes("before anything is sent")) {
          throw new Error("no request was made: the scenario tests nothing on the wire");
        }
      }),
    ),
  );
});
