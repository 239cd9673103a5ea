// The demo page (www/) in headless Chromium, served by scripts/demo-server.mjs:
// page → createProxy → mock services. Checks the quote panel against the
// calculator run in Node, that the form runs what the panel prices, the extend
// form's validation (nothing reaches the mock while a field is invalid), full
// jobs and chains on both providers billed within their quote and played as
// long as billed, a charge outside the quote and why, Cancel, error states (a
// refused submit, one without an answer, an unreachable service), and that no
// key is stored. Saves screenshots under test-output/screenshots/.
//   bash scripts/build.sh && node --test tests/e2e/demo.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../../scripts/demo-server.mjs";
import { CHROMIUM_LAUNCH } from "./consumer.mjs";
import { quote, quoteChain, validateRequest } from "../../pkg/node.js";

const SHOTS = fileURLToPath(new URL("../../test-output/screenshots/", import.meta.url));
const STEP_MS = 250;

// All set-up happens here, before the first test().
await mkdir(SHOTS, { recursive: true });
const demo = await startDemo({ stepMs: STEP_MS });
const browser = await chromium.launch(CHROMIUM_LAUNCH);
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(10_000);

/** Console errors and page errors; `expected` marks the ones a test provoked on purpose. */
const problems = [];
let expectingFailedRequests = false;
page.on("console", (message) => {
  if (message.type() !== "error") return;
  const text = message.text();
  const expected =
    expectingFailedRequests && /^Failed to load resource: (the server responded with a status of [45]\d\d|net::ERR_CONNECTION_REFUSED)/.test(text);
  problems.push({ text, expected });
});
page.on("pageerror", (error) => problems.push({ text: `pageerror: ${error.message}`, expected: false }));

after(async () => {
  await browser.close();
  await demo.close();
});

/** A fresh page and an empty mock (jobs, log, faults). */
async function fresh() {
  demo.mock.reset();
  await page.goto(`${demo.url}/`);
  await page.waitForSelector("html[data-ready='true']");
}

const GROUPED = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });
const span = (min, max) => (min === max ? `${min}` : `${min} – ${max}`);
const text = (selector) => page.locator(selector).innerText();

async function setQuote({ provider = "trinetra", resolution, mode, sourceSeconds, extensions, basis, discountPercent }) {
  await page.selectOption("#q-provider", provider);
  if (resolution) await page.selectOption("#q-resolution", resolution);
  if (mode) await page.selectOption("#q-mode", mode);
  if (sourceSeconds !== undefined) await page.fill("#q-source", String(sourceSeconds));
  if (extensions !== undefined) await page.fill("#q-extensions", String(extensions));
  if (basis) await page.selectOption("#q-basis", basis);
  if (discountPercent !== undefined) await page.fill("#q-discount", String(discountPercent));
}

/** "1 unit", "3.5 units", "1 – 2 units": a count as the page words it, singular only for exactly one. */
const counted = (word, min, max = min) => `${span(GROUPED.format(min), GROUPED.format(max))} ${word}${min === 1 && max === 1 ? "" : "s"}`;

/** A range of costs as the page words them: rupees (Trinetra) or Kling units. */
function cost(min, max) {
  return min.provider === "kling" ? counted("unit", min.units, max.units) : span(min.formatted, max.formatted);
}

/** What the panel should show for this chain, from the calculator in Node. */
function expectedChain(input) {
  const chain = quoteChain(input);
  return {
    inr: cost(chain.min, chain.max),
    credits: counted("credit", chain.min.credits, chain.max.credits),
    rows: chain.steps.slice(0, 5).map((step) => [
      String(step.index),
      `${span(step.addedSeconds.min, step.addedSeconds.max)} s`,
      `${span(step.outputSeconds.min, step.outputSeconds.max)} s`,
      step.min.provider === "kling"
        ? `${span(step.min.steps, step.max.steps)} × 5 s`
        : `${span(step.min.billedSeconds, step.max.billedSeconds)} s`,
      cost(step.min, step.max),
    ]),
  };
}

async function shownQuote() {
  return {
    inr: await text("#quote-inr"),
    credits: await text("#quote-credits"),
    rows: await page.$$eval("#quote-steps tbody tr", (rows) => rows.map((tr) => [...tr.cells].map((cell) => cell.textContent))),
  };
}

/** The mock's reads of one job (both providers' read routes). */
function readsOf(jobId) {
  return demo.mock.log.filter((entry) => entry.method === "GET" && entry.path.endsWith(`/${jobId}`)).length;
}

async function chooseProvider(provider) {
  await page.click(`label[for='c-provider-${provider}']`);
  await page.waitForFunction((p) => document.getElementById("q-provider").value === p, provider);
}

/** The calculator's or the rules' own error for an input, as Node sees it. */
function errorOf(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

async function assertNoStackTrace(selector) {
  const shown = await text(selector);
  assert.doesNotMatch(shown, /\n\s+at |\.js:\d+|\.wasm|Error\n/, `a stack trace is shown: ${shown}`);
}

/** The finished video: how long the player says it lasts, once it has sought to near its end and decoded a frame there. */
async function playedVideoSeconds() {
  await page.waitForFunction(() => document.getElementById("job-video").readyState >= 1);
  const { duration, time, ready } = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const video = document.getElementById("job-video");
        video.pause();
        video.addEventListener("seeked", () => resolve({ duration: video.duration, time: video.currentTime, ready: video.readyState }), { once: true });
        video.addEventListener("error", () => reject(new Error(`the video failed: ${video.error?.message}`)), { once: true });
        video.currentTime = video.duration - 0.3;
      }),
  );
  assert.ok(Math.abs(time - (duration - 0.3)) < 0.01 && ready >= 2, `sought to ${time} s of ${duration} s, ready state ${ready}`);
  return duration;
}

/** How the page tells a submit that made no job, for certain; and one that had no answer. */
const REFUSED = ["not accepted", "Not accepted", "(not created)"];
const MAYBE = ["maybe accepted", "Maybe accepted", "(no answer: it may exist)"];

/**
 * Submits the form, expecting the run to fail (failed requests in the console
 * are expected meanwhile). Resolves with how the page tells its end: `told`,
 * the status, the timeline's last step and the job id; `error`, the error box.
 */
async function submitToError() {
  expectingFailedRequests = true;
  try {
    await page.click("#e-submit");
    await page.waitForSelector("#job-error:not([hidden])");
  } finally {
    await page.waitForTimeout(100); // a console line about a failed request may come after the page's
    expectingFailedRequests = false;
  }
  return {
    told: [await text("#job-status"), await text("#job-timeline li[data-step='done'] .step-name"), await text("#job-id")],
    error: await text("#job-error"),
  };
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("the quote panel shows the calculator's numbers, per step and as a range", async () => {
  await fresh();
  // Defaults: Trinetra 720p, one extension of a 5 s video, whole output billed.
  assert.deepEqual(await shownQuote(), expectedChain({ sourceSeconds: 5, extensions: 1 }));

  // Trinetra 1080p, 10 s as one job (no extension): quote().
  await setQuote({ resolution: "1080p", sourceSeconds: 10, extensions: 0 });
  const single = quote({ seconds: 10, resolution: "1080p" });
  assert.equal(await text("#quote-inr"), single.formatted);
  assert.equal(single.formatted, "₹300.00");
  assert.equal(await text("#quote-credits"), counted("credit", single.credits));
  assert.equal(await page.locator("#quote-steps-wrap").isHidden(), true);

  // The same source extended once: quoteChain().
  await setQuote({ extensions: 1 });
  assert.deepEqual(await shownQuote(), expectedChain({ resolution: "1080p", sourceSeconds: 10, extensions: 1 }));

  // Trinetra 720p, 2 extensions of 5 s: whole output vs added seconds.
  await setQuote({ resolution: "720p", sourceSeconds: 5, extensions: 2, basis: "output" });
  const output = expectedChain({ resolution: "720p", sourceSeconds: 5, extensions: 2, basis: "output" });
  assert.deepEqual(await shownQuote(), output);
  await setQuote({ basis: "added" });
  const added = expectedChain({ resolution: "720p", sourceSeconds: 5, extensions: 2, basis: "added" });
  assert.deepEqual(await shownQuote(), added);
  assert.notEqual(added.inr, output.inr);

  // A large chain: Indian grouping in credits and rupees.
  await setQuote({ resolution: "1080p", sourceSeconds: 600, extensions: 60, basis: "output" });
  const large = expectedChain({ resolution: "1080p", sourceSeconds: 600, extensions: 60, basis: "output" });
  assert.equal(await text("#quote-inr"), large.inr);
  assert.match(large.inr, /₹\d{1,2},\d\d,\d\d\d\.\d\d/);
  assert.equal(await text("#quote-credits"), large.credits);
  assert.equal((await shownQuote()).rows.length, 5); // a handful, the rest summarised
  assert.match(await text("#quote-more"), /55 more steps/);
  assert.equal(await page.locator("#quote-limit").isHidden(), true, "no Kling limit for Trinetra");

  // Kling professional, a chain of 3 from 5 s, 12.5% off (basis: Kling's default, added).
  await setQuote({ provider: "kling", mode: "professional", sourceSeconds: 5, extensions: 3, discountPercent: 12.5 });
  assert.equal(await page.inputValue("#q-basis"), "added");
  const kling = expectedChain({ provider: "kling", mode: "professional", sourceSeconds: 5, extensions: 3, discountPercent: 12.5 });
  assert.deepEqual(await shownQuote(), kling);
  assert.equal(kling.rows.length, 3);
  assert.match(await text("#quote-detail"), /12\.5% off/);
  await page.locator("section.quote").screenshot({ path: `${SHOTS}quote-panel.png` });
});

test("the quote follows the form's resolution and mode, and flags a Kling chain past three minutes", async () => {
  await fresh();
  await page.selectOption("#e-resolution", "1080p");
  assert.equal(await page.inputValue("#q-resolution"), "1080p", "the quote follows the form");
  assert.deepEqual(await shownQuote(), expectedChain({ resolution: "1080p", sourceSeconds: 5, extensions: 1 }));
  await page.selectOption("#q-resolution", "720p");
  assert.equal(await page.inputValue("#e-resolution"), "720p", "and the form the quote");
  await chooseProvider("kling");
  await page.selectOption("#e-mode", "professional");
  assert.equal(await page.inputValue("#q-mode"), "professional");
  await setQuote({ provider: "kling", sourceSeconds: 5, extensions: 40 });
  assert.match(await text("#quote-limit"), /^Up to 205 s: past Kling's 3-minute limit, so chainExtensions would refuse/);
  assert.equal(await text("#quote-inr"), "140 units", "40 professional steps of 3.5 units");
  await page.locator("section.quote").screenshot({ path: `${SHOTS}quote-kling-limit.png` });
  await setQuote({ extensions: 30 });
  assert.equal(await page.locator("#quote-limit").isHidden(), true, "155 s is within the limit");
});

test("an invalid quote input shows the calculator's error next to its field", async () => {
  await fresh();
  const cases = [
    ["#q-discount", "150", { sourceSeconds: 5, extensions: 1, discountPercent: 150 }],
    ["#q-extensions", "1.5", { sourceSeconds: 5, extensions: 1.5 }],
    ["#q-source", "-3", { sourceSeconds: -3, extensions: 1 }],
    ["#q-source", "", { sourceSeconds: Number.NaN, extensions: 1 }],
  ];
  for (const [selector, value, input] of cases) {
    await page.fill(selector, value);
    const expected = errorOf(() => quoteChain(input));
    // In the panel's words, the calculator's reason, and the package's field name kept on the element.
    const shown = await text(`${selector}-error`);
    assert.equal(shown.split(" ")[0], { "#q-discount": "Discount", "#q-extensions": "Extensions", "#q-source": "Source" }[selector], shown);
    assert.ok(!shown.includes(expected.field), `no code name in "${shown}"`);
    assert.equal(await page.getAttribute(`${selector}-error`, "data-field"), expected.field);
    assert.equal(await page.getAttribute(selector, "aria-invalid"), "true");
    assert.equal(await page.locator("#quote-result").isHidden(), true);
    // Only that field is marked.
    assert.equal(await page.locator("#quote-form [aria-invalid='true']").count(), 1);
    await page.fill(selector, selector === "#q-discount" ? "0" : selector === "#q-extensions" ? "1" : "5");
    assert.equal(await page.getAttribute(selector, "aria-invalid"), null);
    assert.equal(await page.locator("#quote-result").isVisible(), true);
  }
});

test("an invalid extend field blocks submit; nothing reaches the mock", async () => {
  await fresh();
  const valid = { video_id: "kling_vid_xyz789", prompt: "the camera pulls back to reveal a crowd", cfg_scale: 0.5, resolution: "720p" };
  const cases = [
    // [input, typed, field, request as the rules see it, focused after submit: the first invalid field]
    ["#e-cfg-scale", "1.5", "cfg_scale", { ...valid, cfg_scale: 1.5 }, "e-cfg-scale"],
    ["#e-callback-url", "/hooks/kling", "callback_url", { ...valid, callback_url: "/hooks/kling" }, "e-cfg-scale"],
    ["#e-video-id", "", "video_id", { ...valid, video_id: "" }, "e-video-id"],
  ];
  for (const [selector, value, field, request, focused] of cases) {
    await page.fill(selector, value);
    const expected = errorOf(() => validateRequest(request, { provider: "trinetra" }));
    assert.equal(expected.field, field);
    // Shown as the user types, before any submit.
    assert.equal(await text(`${selector}-error`), expected.message);
    await page.click("#e-submit");
    assert.match(await text("#e-status"), /Not sent/);
    assert.equal(await page.evaluate(() => document.activeElement.id), focused);
    await page.waitForTimeout(300);
    assert.equal(demo.mock.log.length, 0, `a request reached the mock with ${field} = ${JSON.stringify(value)}`);
    assert.equal(await page.locator("#job-body").isHidden(), true);
  }
  // All three at once are all marked.
  assert.equal(await page.locator("#extend-form [aria-invalid='true']").count(), 3);
  // Pressing Enter in a field does not send either.
  await page.press("#e-callback-url", "Enter");
  await page.waitForTimeout(200);
  assert.equal(demo.mock.log.length, 0);
});

test("a full Trinetra job at 1080p from a 10 s source: timeline, polls, a 15 s video, charged within the quote", async () => {
  await fresh();
  await setQuote({ resolution: "1080p", sourceSeconds: 10, extensions: 1 });
  const estimate = quoteChain({ sourceSeconds: 10, extensions: 1, resolution: "1080p" });
  assert.equal(await text("#quote-inr"), "₹420.00 – ₹450.00");
  assert.equal(await page.inputValue("#e-resolution"), "1080p", "the form runs the quoted resolution");
  demo.mock.configure({ advance: { stepMs: 1_500 } }); // long enough to see "running"
  try {
    await page.click("#e-submit");
    await page.waitForSelector("#job-status[data-status='running']");
    await page.screenshot({ path: `${SHOTS}job-running.png`, fullPage: true });
  } finally {
    demo.mock.configure({ advance: { stepMs: STEP_MS } });
  }
  await page.waitForSelector("#job-status[data-status='succeeded']");
  assert.equal(demo.mock.config.sourceSeconds, 10, "the page told the mock the quote's source length");
  assert.equal(await playedVideoSeconds(), 15, "the video plays the 10 s source and the 5 s added");
  const jobId = await text("#job-id");
  assert.match(jobId, /^job_/);
  const polls = Number(await text("#job-polls"));
  assert.ok(polls > 0, "polls counted");
  assert.equal(polls, readsOf(jobId), "the page counts every read the mock saw");
  assert.equal(await page.locator("#job-timeline li.reached").count(), 3);
  assert.equal(await text("#job-timeline li[data-step='done'] .step-name"), "Succeeded");
  assert.match(await text("#job-elapsed"), /^\d+\.\d s$/);
  assert.equal(await text("#job-quote"), `${span(estimate.min.formatted, estimate.max.formatted)} (1 extension of a 10 s video, billed on the whole output)`);
  assert.equal(await text("#job-charged"), "450 credits (₹450.00), within the quote");
  assert.equal(await page.locator("#job-actions").isHidden(), true);
  assert.match(await text("#job-announce"), /succeeded/);
  await page.waitForTimeout(300); // a frame of the video
  await page.screenshot({ path: `${SHOTS}job-finished.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}job-finished-phone.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways on a phone by ${overflow}px`);
  await page.setViewportSize({ width: 1200, height: 900 });

  // The result can be extended again: its id goes into the form.
  await page.click("#job-extend-again");
  assert.equal(await page.inputValue("#e-video-id"), jobId);
});

test("a Trinetra chain runs the quoted extensions, each from the last result, and is charged within the quote", async () => {
  await fresh();
  await setQuote({ sourceSeconds: 7.3, extensions: 3 });
  const chain = quoteChain({ sourceSeconds: 7.3, extensions: 3, resolution: "720p" });
  assert.equal(await text("#e-plan"), `Runs the quote: 3 extensions of a 7.3 s video, ${chain.min.formatted} – ${chain.max.formatted}.`);
  await page.click("#e-submit");
  await page.waitForSelector("#job-provider:has-text('extension 2 of 3')");
  await page.waitForFunction(() => document.getElementById("job-actions").hidden, undefined, { timeout: 20_000 });
  assert.equal(await text("#job-status"), "succeeded");

  const jobs = demo.mock.jobs.sort((a, b) => a.created_at - b.created_at);
  assert.deepEqual(jobs.map((job) => job.video_id), ["kling_vid_xyz789", jobs[0].id, jobs[1].id], "each step extends the last one's result");
  assert.deepEqual(jobs.map((job) => job.body.resolution), ["720p", "720p", "720p"]);
  assert.equal(await text("#job-id"), jobs[2].id);
  assert.match(await text("#job-provider"), /extension 3 of 3/);
  assert.equal(Number(await text("#job-polls")), jobs.reduce((sum, job) => sum + readsOf(job.id), 0), "every read counted");
  // 12.3 s, 17.3 s and 22.3 s of output, billed as 13, 18 and 23 s at 19 credits: the quote's top.
  assert.equal(chain.max.credits, 1026);
  assert.equal(await text("#job-charged"), "1,026 credits (₹1,026.00), within the quote");
  assert.match(await text("#job-quote"), /^₹912\.00 – ₹1,026\.00 \(3 extensions of a 7\.3 s video, billed on the whole output\)$/);
  assert.match(await text("#job-announce"), /^3 extensions succeeded after \d+\.\d s and \d+ polls\. Charged: 1,026 credits/);
  assert.equal(await playedVideoSeconds(), 22.3);

  // Extending the result again starts the next quote from it.
  await page.click("#job-extend-again");
  assert.equal(await page.inputValue("#e-video-id"), jobs[2].id);
  assert.equal(await page.inputValue("#q-source"), "22.3");
  assert.match(await text("#e-plan"), /^Runs the quote: 3 extensions of a 22\.3 s video/);
});

test("the form runs what the quote panel prices, and nothing when the quote cannot run", async () => {
  await fresh();
  await setQuote({ resolution: "1080p", sourceSeconds: 10, extensions: 2, discountPercent: 10 });
  assert.equal(await text("#e-plan"), `Runs the quote: 2 extensions of a 10 s video, ${await text("#quote-inr")}.`);
  assert.equal(await page.inputValue("#e-resolution"), "1080p");
  // One provider for the page: picking it in the panel switches the connection and the form.
  await page.selectOption("#q-provider", "kling");
  assert.equal(await page.isChecked("#c-provider-kling"), true);
  assert.equal(await page.locator("#e-mode").isVisible(), true);
  const kling = quoteChain({ provider: "kling", mode: "standard", sourceSeconds: 10, extensions: 2, discountPercent: 10, basis: "added" });
  assert.equal(await text("#e-plan"), `Runs the quote: 2 extensions of a 10 s video, ${cost(kling.min, kling.max)}.`);
  await chooseProvider("trinetra");
  assert.equal(await page.inputValue("#q-provider"), "trinetra");

  expectingFailedRequests = true; // the mock refuses the 5000 s source: a 400 in the console
  try {
    const refusals = [
      [{ extensions: 0 }, "the quote prices no extension; set Extensions to 1 or more"],
      [{ extensions: 1, sourceSeconds: "" }, "the quote has a field to fix"],
      [{ provider: "kling", sourceSeconds: 5, extensions: 40 }, "the chain passes Kling's 3-minute limit"],
    ];
    for (const [quoteInput, problem] of refusals) {
      await setQuote(quoteInput);
      assert.equal(await text("#e-plan"), `Nothing to run: ${problem}.`);
      await page.click("#e-submit");
      await page.waitForFunction((expected) => document.getElementById("e-status").textContent === expected, `Not sent: ${problem}.`);
    }
    await setQuote({ provider: "trinetra", sourceSeconds: 5000, extensions: 1 });
    await page.click("#e-submit");
    await page.waitForFunction(() => document.getElementById("e-status").textContent.includes("local mock"));
    assert.match(await text("#e-status"), /^Not sent: the local mock cannot stand in for a 5000 s source \(sourceSeconds must be a number of seconds > 0 and at most 3600\)\.$/);
    assert.equal(await page.locator("#e-submit").isEnabled(), true);
  } finally {
    expectingFailedRequests = false;
  }
  assert.equal(demo.mock.log.length, 0, "nothing reached the mock service");
  assert.equal(await page.locator("#job-body").isHidden(), true);
});

test("counts are pluralised: one Kling standard extension is 1 unit", async () => {
  await fresh();
  await chooseProvider("kling");
  assert.equal(await text("#quote-inr"), "1 unit");
  assert.equal(await text("#quote-credits"), "10 credits");
  assert.equal(await text("#e-plan"), "Runs the quote: 1 extension of a 5 s video, 1 unit.");
  await page.click("#e-submit");
  await page.waitForSelector("#job-status[data-status='succeeded']");
  assert.equal(await text("#job-charged"), "1 unit, within the quote");
  assert.equal(await text("#job-quote"), "1 unit (1 extension of a 5 s video, billed on the added seconds)");
  await setQuote({ provider: "kling", extensions: 2 });
  assert.equal(await text("#quote-inr"), "2 units");
  assert.match(await text("#quote-detail"), /^10 credits per 5 s step \(standard\)/);
  assert.doesNotMatch(await page.locator("main").innerText(), /\b1 (units|credits|extensions|steps|polls)\b/);
});

test("a full Kling job through the Kling proxy", async () => {
  await fresh();
  await chooseProvider("kling");
  assert.equal(await page.locator("#e-mode").isVisible(), true);
  assert.equal(await page.locator("#e-resolution").isVisible(), false);
  await page.selectOption("#e-mode", "professional");
  await page.click("#e-submit");
  await page.waitForSelector("#job-status[data-status='succeeded']");
  await page.waitForFunction(() => document.getElementById("job-video").duration > 0);
  const jobId = await text("#job-id");
  assert.match(jobId, /^task_/);
  assert.ok(Number(await text("#job-polls")) > 0);
  const submit = demo.mock.log.find((entry) => entry.method === "POST");
  assert.equal(submit.path, "/v1/videos/video-extend");
  assert.equal(JSON.parse(submit.body).mode, "pro"); // the package sends Kling's own word
  assert.equal(submit.headers.authorization, "[redacted]"); // the proxy signed it, not the page
  assert.equal(await text("#job-charged"), "3.5 units, within the quote");
  assert.match(await text("#job-quote"), /^3\.5 units \(1 extension/);
  assert.equal(await playedVideoSeconds(), 10, "a 5 s source extended by 5 s");
});

test("a Kling chain extends each result video, 2 units within the quote, and Extend this result takes Kling's duration", async () => {
  await fresh();
  await setQuote({ provider: "kling", sourceSeconds: 5, extensions: 2 });
  await page.click("#e-submit");
  await page.waitForFunction(() => document.getElementById("job-actions").hidden, undefined, { timeout: 20_000 });
  assert.equal(await text("#job-status"), "succeeded");
  const tasks = demo.mock.jobs.sort((a, b) => a.created_at - b.created_at);
  assert.equal(tasks.length, 2);
  assert.match(tasks[1].video_id, /^vid_/, "the second step extends the first one's result video");
  assert.equal(await text("#job-charged"), "2 units, within the quote");
  assert.equal(await playedVideoSeconds(), 15);
  await page.click("#job-extend-again");
  assert.match(await page.inputValue("#e-video-id"), /^vid_/);
  assert.equal(await page.inputValue("#q-source"), "15");
});

test("a charge outside the quote says why: a discount not applied, a basis the service does not bill by", async () => {
  const cases = [
    // The mock bills list price: the quote's 10% off is not applied.
    [{ resolution: "1080p", sourceSeconds: 10, extensions: 1, discountPercent: 10 }, "450 credits (₹450.00), the quote's list price: its 10% off was not applied"],
    // Trinetra bills the whole 15 s output (285 credits), not the 5 s the quote prices on the added basis.
    [{ sourceSeconds: 10, extensions: 1, basis: "added" }, "285 credits (₹285.00), outside the quote, which prices only the seconds added: Trinetra bills the whole output"],
    // Kling bills the extension (1 unit), not the 10 s output's two steps.
    [{ provider: "kling", sourceSeconds: 5, extensions: 1, basis: "output" }, "1 unit, outside the quote, which prices the whole output: Kling bills each extension"],
  ];
  for (const [quoteInput, charged] of cases) {
    await fresh();
    await setQuote(quoteInput);
    await page.click("#e-submit");
    await page.waitForSelector("#job-status[data-status='succeeded']");
    assert.equal(await text("#job-charged"), charged);
  }
});

test("Cancel stops polling: no further reads of the job", async () => {
  await fresh();
  demo.mock.configure({ advance: { stepMs: 60_000 } });
  try {
    // By keyboard: Enter on the form's button, then Enter on Cancel (focused when the job starts).
    await page.focus("#e-submit");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => Number(document.getElementById("job-polls").textContent) >= 2);
    assert.equal(await page.evaluate(() => document.activeElement.id), "job-cancel");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#job-status[data-status='aborted']");
    const jobId = await text("#job-id");
    await page.waitForTimeout(100); // a read already in flight lands
    const reads = readsOf(jobId);
    assert.ok(reads >= 2);
    await page.waitForTimeout(2_500); // several polling intervals (0.5 s, growing to 1.5 s)
    assert.equal(readsOf(jobId), reads, "the page read the job after Cancel");
    assert.equal(await text("#job-error-code"), "aborted");
    assert.equal(await text("#job-timeline li[data-step='done'] .step-name"), "Stopped");
    assert.equal(await page.locator("#e-submit").isEnabled(), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), "job-title"); // focus not lost
  } finally {
    demo.mock.configure({ advance: { stepMs: STEP_MS } });
  }
});

test("a failed job shows job_failed with the reason, not a stack trace", async () => {
  await fresh();
  await page.click("#e-video-id-hint button[data-video-id^='fail']");
  await page.click("#e-submit");
  await page.waitForSelector("#job-status[data-status='failed']");
  assert.equal(await text("#job-error-code"), "job_failed");
  const message = await text("#job-error-message");
  assert.match(message, /the source video was rejected/);
  assert.match(await text("#job-error-details"), /Reason\s+Extension failed: the source video was rejected \(mock\)/);
  assert.equal(await text("#job-timeline li[data-step='done'] .step-name"), "Failed");
  assert.equal(await page.locator("#job-video").isHidden(), true);
  await assertNoStackTrace("#job-error");
  await page.screenshot({ path: `${SHOTS}job-failed.png`, fullPage: true });
});

test("a submit that never reached the service never says it may have been accepted", async () => {
  await fresh();
  // A base URL under which the demo server has no proxy: it refuses the POST itself (405).
  await page.fill("#c-base-url", `${demo.url}/no-proxy-here`);
  const shown = await submitToError();
  assert.equal(await text("#job-error-code"), "invalid_request");
  assert.match(shown.error, /HTTP 405/);
  assert.doesNotMatch(shown.error, /may have accepted|maybe/, shown.error);
  assert.deepEqual(shown.told, REFUSED);
  assert.match(shown.error, /Accepted\?\s+no: the service made no job/);
  assert.equal(demo.mock.log.length, 0, "nothing reached the mock service");
  await assertNoStackTrace("#job-error");
});

test("an unreachable service: one story, never \"not accepted\" and \"may have accepted\" at once", async () => {
  await fresh();
  await page.fill("#c-base-url", `http://127.0.0.1:${await closedPort()}`);
  const shown = await submitToError();
  assert.equal(await text("#job-error-code"), "network_error");
  // The page cannot tell a refused connection from an answer lost after the
  // request left; whichever the package says, every part of the page says it.
  const maybe = /may have accepted/.test(shown.error);
  assert.deepEqual(shown.told, maybe ? MAYBE : REFUSED);
  assert.match(shown.error, maybe ? /Accepted\?\s+maybe: the answer never came/ : /Accepted\?\s+no/);
  assert.doesNotMatch(JSON.stringify(shown), maybe ? /not accepted|not created/i : /maybe accepted|may have accepted|may exist/i);
  assert.equal(await page.locator("#job-timeline li.reached").count(), 1, "only the end: no job went through a step");
  assert.equal(demo.mock.log.length, 0, "nothing reached the mock service");
  await assertNoStackTrace("#job-error");
  await page.screenshot({ path: `${SHOTS}error-unreachable.png`, fullPage: true });
});

test("a submit whose answer was lost says the job may exist, and it does", async () => {
  await fresh();
  demo.mock.fault({ method: "POST", path: "/v1/video/kling-extend-video", drop: "after" });
  const shown = await submitToError();
  assert.deepEqual(shown.told, MAYBE);
  assert.match(shown.error, /Accepted\?\s+maybe: the answer never came, so it was not sent again/);
  assert.doesNotMatch(shown.error, /not accepted/i);
  assert.equal(demo.mock.jobs.length, 1, "the mock made the job");
  assert.equal(demo.mock.log.filter((entry) => entry.method === "POST").length, 1, "sent once");
});

test("Kling's 1102 on submit shows insufficient_credits; no job is read", async () => {
  await fresh();
  await chooseProvider("kling");
  demo.mock.fault({ method: "POST", path: "/v1/videos/video-extend", klingCode: 1102 });
  assert.deepEqual((await submitToError()).told, REFUSED);
  assert.equal(await text("#job-error-code"), "insufficient_credits");
  assert.match(await text("#job-error-message"), /1102/);
  const details = await text("#job-error-details");
  assert.match(details, /HTTP status\s+429/);
  assert.match(details, /Service code\s+1102/);
  assert.match(details, /Retry later\?\s+no/);
  assert.match(details, /Accepted\?\s+no/);
  assert.equal(await text("#job-polls"), "0");
  assert.equal(demo.mock.log.length, 1); // the one refused submit
  await assertNoStackTrace("#job-error");
  await page.screenshot({ path: `${SHOTS}error-insufficient-credits.png`, fullPage: true });
});

test("no key is asked for or stored; no unexpected console errors", async () => {
  await fresh();
  const fields = await page.$$eval("input, textarea, select", (elements) =>
    elements.map((element) => `${element.id} ${element.name} ${element.type} ${element.labels?.[0]?.textContent ?? ""}`),
  );
  for (const field of fields) assert.doesNotMatch(field, /key|token|secret|password/i, `a credential field: ${field}`);
  assert.match(await text("#key-note"), /No API key here/);
  const stored = await page.evaluate(() => ({
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    cookie: document.cookie,
  }));
  assert.deepEqual(stored, { local: [], session: [], cookie: "" });
  assert.deepEqual(await context.cookies(), []);
  const pageText = await page.content();
  assert.doesNotMatch(pageText, /demo-trinetra-key|demo-kling-(access|secret)/);
  const unexpected = problems.filter((problem) => !problem.expected).map((problem) => problem.text);
  assert.deepEqual(unexpected, []);
});
