// The quote panel: prices extensions offline, on every input, with the
// package's wasm calculator (quote, quoteChain). Errors are the calculator's
// own, shown next to the field it names. The chain it prices is what the
// extend form runs (its plan).
import { quote, quoteChain } from "kling-extend";
import { byId, cost, costSpan, count, numberFrom, row, SERVICE_BASIS, setFieldError, showProviderFields, span } from "./dom.js";

/** Rows of the per-step table; a longer chain is summarised below it. */
const MAX_ROWS = 5;
/** Kling's limit on an extended video's length, which chainExtensions (and this page) enforce before any submit. */
const KLING_MAX_SECONDS = 180;
/** The panel's words for the calculator's fields (messages keep the rules, not the code names). */
const LABELS = {
  sourceSeconds: "Source length",
  extensions: "Extensions",
  discountPercent: "Discount",
  basis: "Billing basis",
  resolution: "Resolution",
  mode: "Mode",
};

/** What a chain is, in words: "3 extensions of a 5 s video". */
const summary = (input) => `${count("extension", input.extensions)} of a ${input.sourceSeconds} s video`;
const pastLimit = (input, chain) => input.provider === "kling" && chain.outputSeconds.max > KLING_MAX_SECONDS;

/**
 * `onTierChange({ resolution, mode })`, `onProviderChange(provider)`: the user
 * picked them here; `onPlanChange(plan)`: what the form would run changed
 * (see `plan()`).
 */
export function createQuotePanel({ onTierChange, onProviderChange, onPlanChange }) {
  const form = byId("quote-form");
  const inputs = {
    provider: byId("q-provider"),
    resolution: byId("q-resolution"),
    mode: byId("q-mode"),
    sourceSeconds: byId("q-source"),
    extensions: byId("q-extensions"),
    basis: byId("q-basis"),
    discountPercent: byId("q-discount"),
  };
  const out = {
    result: byId("quote-result"),
    invalid: byId("quote-invalid"),
    summary: byId("quote-summary"),
    inr: byId("quote-inr"),
    credits: byId("quote-credits"),
    detail: byId("quote-detail"),
    stepsWrap: byId("quote-steps-wrap"),
    steps: byId("quote-steps").tBodies[0],
    more: byId("quote-more"),
    limit: byId("quote-limit"),
  };
  /** The quote shown, `{ input, single }` or `{ input, chain }`; null while a field is invalid. */
  let shown = null;

  /** The calculator's input from the form, as typed (the calculator judges it). */
  function read() {
    const provider = inputs.provider.value;
    const discount = inputs.discountPercent.value.trim();
    const input = {
      provider,
      sourceSeconds: numberFrom(inputs.sourceSeconds),
      extensions: numberFrom(inputs.extensions),
      basis: inputs.basis.value,
      discountPercent: discount === "" && !inputs.discountPercent.validity.badInput ? 0 : numberFrom(inputs.discountPercent),
    };
    if (provider === "kling") input.mode = inputs.mode.value;
    else input.resolution = inputs.resolution.value;
    return input;
  }

  /** No extension: the price of the source length as one job (quote); otherwise the chain (quoteChain). */
  function compute(input) {
    if (input.extensions === 0) {
      const { sourceSeconds, extensions, basis, ...rest } = input;
      return { single: quote({ ...rest, seconds: sourceSeconds }) };
    }
    return { chain: quoteChain(input) };
  }

  function rate(q) {
    return q.provider === "kling"
      ? `${count("credit", q.perStep)} per 5 s step (${q.mode})`
      : `${count("credit", q.perSecond)} per second (${q.resolution})`;
  }

  function discountNote(min, max) {
    if (!min.discountPercent) return "";
    return ` · list price ${count("credit", min.listCredits, max.listCredits)}, ${min.discountPercent}% off`;
  }

  function renderSingle(q) {
    out.summary.textContent = `A ${q.seconds} s video, priced as one job`;
    out.inr.textContent = cost(q);
    out.credits.textContent = count("credit", q.credits);
    const billed = q.provider === "kling" ? `${count("step", q.steps)} of 5 s billed` : `${q.billedSeconds} s billed`;
    out.detail.textContent = `${rate(q)} · ${billed}${discountNote(q, q)}`;
    out.stepsWrap.hidden = true;
    out.more.hidden = true;
    out.limit.hidden = true;
  }

  function renderChain(input, chain) {
    const { min, max, steps, outputSeconds } = chain;
    out.summary.textContent = `${summary(input)} · output ${span(outputSeconds.min, outputSeconds.max)} s`;
    out.inr.textContent = costSpan(min, max);
    out.credits.textContent = count("credit", min.credits, max.credits);
    const basis = chain.basis === "output" ? "each step bills its whole output" : "each step bills only the seconds it adds";
    out.detail.textContent = `${rate(min)} · ${basis}${discountNote(min, max)}`;

    out.steps.replaceChildren(
      ...steps.slice(0, MAX_ROWS).map((step) =>
        row(
          [
            String(step.index),
            `${span(step.addedSeconds.min, step.addedSeconds.max)} s`,
            `${span(step.outputSeconds.min, step.outputSeconds.max)} s`,
            step.min.provider === "kling"
              ? `${span(step.min.steps, step.max.steps)} × 5 s`
              : `${span(step.min.billedSeconds, step.max.billedSeconds)} s`,
            costSpan(step.min, step.max),
          ],
          { header: 1 },
        ),
      ),
    );
    out.stepsWrap.hidden = false;
    out.more.hidden = steps.length <= MAX_ROWS;
    out.more.textContent = `… and ${count("more step", steps.length - MAX_ROWS)}, included in the total.`;
    out.limit.hidden = !pastLimit(input, chain);
    out.limit.textContent =
      `Up to ${outputSeconds.max} s: past Kling's ${KLING_MAX_SECONDS / 60}-minute limit, so chainExtensions would refuse this chain before its first submit (and so does the form).`;
  }

  function showError(error) {
    const field = error?.field === "seconds" ? "sourceSeconds" : error?.field;
    const input = inputs[field];
    if (input) {
      setFieldError(input, humane(field, error));
      // The package's own name of the field stays at hand (and in the page for tests and tools).
      byId(`${input.id}-error`).dataset.field = error.field;
    }
    out.invalid.textContent = input ? "Fix the marked field to see a quote." : `${error?.code ?? "error"}: ${error?.message}`;
    out.result.hidden = true;
    out.invalid.hidden = false;
  }

  /** The calculator's message, in the panel's words: "Source length must be a number of seconds". */
  function humane(field, error) {
    const why = error.message.startsWith(`${error.field} `) ? error.message.slice(error.field.length + 1) : error.message;
    const notANumber = /^(must be a finite number|must be a number|is required)/.test(why);
    if (field === "sourceSeconds" && notANumber) return `${LABELS[field]} must be a number of seconds`;
    return `${LABELS[field] ?? field} ${why}`;
  }

  function update() {
    for (const input of Object.values(inputs)) setFieldError(input, "");
    const input = read();
    shown = null;
    try {
      shown = { input, ...compute(input) };
    } catch (error) {
      showError(error);
    }
    if (shown) {
      if (shown.single) renderSingle(shown.single);
      else renderChain(input, shown.chain);
      out.result.hidden = false;
      out.invalid.hidden = true;
    }
    onPlanChange(plan());
  }

  /**
   * What the extend form runs, the chain this panel prices: `{ input, chain,
   * summary }`, or `{ problem }` saying why there is nothing to run.
   */
  function plan() {
    if (!shown) return { problem: "the quote has a field to fix" };
    const { input, chain } = shown;
    if (!chain) return { problem: "the quote prices no extension; set Extensions to 1 or more" };
    if (pastLimit(input, chain)) return { problem: `the chain passes Kling's ${KLING_MAX_SECONDS / 60}-minute limit` };
    return { input, chain, summary: summary(input) };
  }

  function providerChanged() {
    const provider = inputs.provider.value;
    showProviderFields(form, provider);
    inputs.basis.value = SERVICE_BASIS[provider] ?? "output";
  }

  form.addEventListener("input", (event) => {
    if (event.target === inputs.provider) {
      providerChanged();
      onProviderChange(inputs.provider.value);
    }
    if (event.target === inputs.resolution || event.target === inputs.mode) {
      onTierChange({ resolution: inputs.resolution.value, mode: inputs.mode.value });
    }
    update();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  providerChanged();
  update();

  return {
    /** Follows the extend form's resolution and mode: one choice for both. */
    setTier({ resolution, mode }) {
      inputs.resolution.value = resolution;
      inputs.mode.value = mode;
      update();
    },
    /** Follows the connection's provider: one choice for the whole page. */
    setProvider(provider) {
      if (inputs.provider.value === provider) return;
      inputs.provider.value = provider;
      providerChanged();
      update();
    },
    /** For "Extend this result": the next quote starts from that video's length. */
    setSourceSeconds(seconds) {
      inputs.sourceSeconds.value = String(seconds);
      update();
    },
    plan,
  };
}
