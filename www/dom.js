// Small DOM and formatting helpers shared by the page's modules.

/** The element with this id; throws if the page lacks it (a typo, not a user error). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

/**
 * Shows (or, with an empty message, clears) the error line of an input: the
 * element `#<input id>-error`, which the input names in aria-describedby.
 */
export function setFieldError(input, message) {
  const line = document.getElementById(`${input.id}-error`);
  if (line) line.textContent = message ?? "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** Shows or hides the `.field` wrappers marked `data-provider` for a provider. */
export function showProviderFields(root, provider) {
  for (const wrapper of root.querySelectorAll("[data-provider]")) {
    wrapper.hidden = wrapper.dataset.provider !== provider;
  }
}

/** A number typed in an input; NaN for empty or unreadable text, so the calculator names the problem. */
export function numberFrom(input) {
  if (input.validity?.badInput) return Number.NaN;
  const text = input.value.trim();
  return text === "" ? Number.NaN : Number(text);
}

/**
 * How each service bills an extension, which is the calculator's default
 * basis too: Trinetra its whole output video, Kling the seconds it adds (per
 * 5 s step).
 */
export const SERVICE_BASIS = { trinetra: "output", kling: "added" };

const GROUPED = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 2 });

/** Credits with Indian digit grouping: 123456.5 → "1,23,456.5". */
export function formatCredits(value) {
  return GROUPED.format(value);
}

/**
 * What a quote costs, in the service's own terms: rupees for Trinetra (one
 * credit is one rupee); Kling's units (its API bills units, not rupees).
 */
export function cost(q) {
  return costSpan(q, q);
}

/** A range of two quotes' costs. */
export function costSpan(min, max) {
  return min.provider === "kling" ? count("unit", min.units, max.units) : span(min.formatted, max.formatted);
}

/** How many of a thing, or a range of them: "1 unit", "3.5 units", "1 – 2 units", "1,90,000 credits". */
export function count(word, min, max = min) {
  return `${span(formatCredits(min), formatCredits(max))} ${word}${min === 1 && max === 1 ? "" : "s"}`;
}

/** "a" when both ends are the same text, else "a – b". */
export function span(min, max) {
  return min === max ? `${min}` : `${min} – ${max}`;
}

/** Seconds for people: 3.04 → "3.0 s". */
export function formatSeconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A table row of these texts; the first `header` cells are row headers. */
export function row(cells, { header = 0 } = {}) {
  const tr = document.createElement("tr");
  cells.forEach((text, index) => {
    const cell = document.createElement(index < header ? "th" : "td");
    if (index < header) cell.scope = "row";
    cell.textContent = text;
    tr.append(cell);
  });
  return tr;
}
