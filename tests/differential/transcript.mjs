// What the differential test compares: a side's steps (its runner's
// output) and the requests its recorder saw, with what differs by design
// between two runs (ports, random ids, clocks, signatures) replaced by its
// shape; and the differences between two transcripts, one line each.

/**
 * Headers an HTTP client adds of its own (Node's fetch sends `user-agent:
 * node`, `accept-language`, `sec-fetch-mode`, `accept-encoding`; reqwest none
 * of those): every other header is the package's, and compared.
 */
const TRANSPORT_HEADERS = new Set(["host", "connection", "content-length", "user-agent", "accept-language", "sec-fetch-mode", "accept-encoding"]);

/**
 * The transcript of one run: `steps` from a side, `records` from its
 * recorder, `urls` the mock's and the recorder's (each replaced by a name).
 */
export function transcript(steps, records, urls) {
  const requests = records.map((record, i) => request(record, records[i - 1]));
  return anonymise({ requests, steps: steps.map(step) }, urls);
}

/**
 * A step as compared. `maybeSubmitted` is a boolean in Rust
 * (`Error::maybe_submitted`), where the npm package leaves it out or says
 * `false`: both read as "not known to be submitted".
 */
function step(result) {
  if (result.error === undefined) return result;
  return { ...result, error: { ...result.error, maybeSubmitted: result.error.maybeSubmitted === true } };
}

/** One request as compared: what was sent, and how the exchange ended. */
function request(record, before) {
  const [path, query] = record.path.split("?");
  const headers = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name)).sort());
  if (headers.authorization !== undefined) headers.authorization = credential(headers.authorization, record.wallMs);
  const sent = { method: record.method, path, ...(query === undefined ? {} : { query }), headers, body: body(record.body) };
  const answer = typeof record.answer === "object" && record.answer !== null ? record.answer.status : record.answer;
  const hint = before?.answer?.retryAfter;
  // A wait the service asked for: whether it was kept, not how long it was (jitter differs).
  const waited = hint ? { keptRetryAfter: record.at - before.at >= Number(hint) * 1000 - 5 } : {};
  return { ...sent, answer, ...waited };
}

/** A body as JSON when it is JSON (so member order does not count), else its text. */
function body(text) {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/**
 * An `Authorization` value: an API key as it is; a JWT by its shape (its
 * header, its claims' names and issuer, and its times against the clock when
 * it was sent), since each one is signed anew.
 */
function credential(value, wallMs) {
  const [scheme, token = ""] = value.split(" ");
  const parts = token.split(".");
  const decode = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  if (parts.length !== 3) return value;
  try {
    const [header, claims] = [decode(parts[0]), decode(parts[1])];
    const now = Math.floor(wallMs / 1000);
    const around = (seconds) => `now${seconds >= 0 ? "+" : ""}${Math.round(seconds / 5) * 5}s`;
    const times = { exp: around(claims.exp - now), nbf: around(claims.nbf - now) };
    const signature = /^[A-Za-z0-9_-]{43}$/.test(parts[2]) ? "HS256-sized" : parts[2];
    return { scheme, header, claims: { ...claims, ...times }, signature };
  } catch {
    return value;
  }
}

/**
 * `value` with each URL replaced by its name, each random id the mock or a
 * client made (Kling's result video ids, the findable external_task_id a
 * client draws) numbered in order of appearance (so a lookup by the id a
 * submit sent still reads as the same id), and clock readings in the
 * services' documents replaced.
 */
function anonymise(value, urls) {
  const seen = new Map();
  const counts = new Map();
  const numbered = (kind) => (id) => {
    if (!seen.has(id)) {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      seen.set(id, `${kind}#${counts.get(kind)}`);
    }
    return seen.get(id);
  };
  const text = (s) => {
    for (const [name, url] of Object.entries(urls)) s = s.split(url).join(`<${name}>`);
    return s.replace(/vid_[0-9a-f]{12}/g, numbered("vid_")).replace(/ke-[0-9a-f]{32}/g, numbered("ke-"));
  };
  const walk = (v, key) => {
    if (typeof v === "string" && key === "key" && /^[0-9a-f]{32}$/.test(v)) return numbered("key")(v);
    if (typeof v === "string") return text(v);
    if (typeof v === "number" && ["created_at", "updated_at"].includes(key)) return "<clock>";
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value);
}

/**
 * Where `actual` (the Rust client's) differs from `expected` (the npm
 * package's), one line per difference: its JSON path and both values.
 */
export function differences(expected, actual, path = "") {
  const show = (v) => (v === undefined ? "(absent)" : JSON.stringify(v));
  const isObject = (v) => v !== null && typeof v === "object";
  if (isObject(expected) && isObject(actual) && Array.isArray(expected) === Array.isArray(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => differences(expected[key], actual[key], Array.isArray(expected) ? `${path}[${key}]` : `${path}.${key}`));
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [`${path || "(whole)"}: js ${show(expected)}, rust ${show(actual)}`];
}
