// The benchmark's baselines: what the package's calls cost when written by
// hand in plain JavaScript, with no package. Runtime-neutral (Node and
// workerd): only fetch, JSON and arithmetic.

/** POST a submit the way the package does: same route, headers and JSON body; parse the answer. */
export async function plainExtend(baseUrl, apiKey, request) {
  const response = await fetch(`${baseUrl}/v1/video/kling-extend-video`, {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify(request),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`submit: HTTP ${response.status}`);
  return body;
}

/** GET one job document and parse it. `fetchImpl`: a stand-in for the global fetch (timing hooks). */
export async function plainGetJob(baseUrl, apiKey, jobId, fetchImpl) {
  const url = `${baseUrl}/v1/jobs/${encodeURIComponent(jobId)}`;
  const init = { headers: { accept: "application/json", "x-api-key": apiKey } };
  const response = await (fetchImpl ? fetchImpl(url, init) : fetch(url, init));
  const body = await response.json();
  if (!response.ok) throw new Error(`get: HTTP ${response.status}`);
  return body;
}

/**
 * plainGetJob plus what the package adds to every attempt: an AbortController
 * whose timer would abort the request after `timeoutMs`.
 */
export async function plainGetJobWithTimer(baseUrl, apiKey, jobId, fetchImpl, timeoutMs = 30_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const url = `${baseUrl}/v1/jobs/${encodeURIComponent(jobId)}`;
    const init = { headers: { accept: "application/json", "x-api-key": apiKey }, signal: controller.signal };
    const response = await (fetchImpl ? fetchImpl(url, init) : fetch(url, init));
    const body = await response.json();
    if (!response.ok) throw new Error(`get: HTTP ${response.status}`);
    return body;
  } finally {
    clearTimeout(timer);
  }
}

const RATES = { "720p": 19, "1080p": 30 };

/**
 * Trinetra's price as `quote()` returns it, in plain JS: rate × ceil(seconds)
 * in paise, the discount in basis points rounded half up to a paisa, and the
 * amount formatted with Indian digit grouping. Checks its input's ranges like
 * the package does (not its unknown-field rules).
 */
export function plainQuote({ seconds, resolution = "720p", discountPercent = 0 }) {
  const rate = RATES[resolution];
  if (rate === undefined) throw new RangeError("resolution");
  if (!(typeof seconds === "number" && seconds >= 0 && seconds <= 86_400)) throw new RangeError("seconds");
  const basisPoints = Math.round(discountPercent * 100);
  if (!(discountPercent >= 0 && discountPercent <= 100) || Math.abs(discountPercent * 100 - basisPoints) > 1e-6) {
    throw new RangeError("discountPercent");
  }
  const billedSeconds = Math.ceil(seconds);
  const listPaise = rate * 100 * billedSeconds;
  const paise = Math.floor((listPaise * (10_000 - basisPoints) + 5_000) / 10_000);
  return {
    provider: "trinetra",
    resolution,
    seconds,
    billedSeconds,
    perSecond: rate,
    listCredits: listPaise / 100,
    discountPercent: basisPoints / 100,
    credits: paise / 100,
    inr: paise / 100,
    formatted: formatInr(paise),
  };
}

/** `₹1,23,456.00`: the last three digits, then pairs. */
function formatInr(paise) {
  const rupees = String(Math.floor(paise / 100));
  const head = rupees.slice(0, -3);
  let grouped = "";
  for (let i = 0; i < head.length; i++) {
    if (i > 0 && (head.length - i) % 2 === 0) grouped += ",";
    grouped += head[i];
  }
  if (head) grouped += ",";
  const p = paise % 100;
  return `₹${grouped}${rupees.slice(-3)}.${p < 10 ? "0" : ""}${p}`;
}
