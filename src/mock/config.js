/**
 * Run-time settings of the mock (auth keys of both services, status
 * advancing, the length of a source video it did not make),
 * validated in one place because they arrive both from JS callers and as
 * JSON over the control API. Invalid input throws a TypeError whose message
 * the control API returns as a 400.
 */

export const DEFAULT_STEP_MS = 300;
export const DEFAULT_STEP_POLLS = 1;
/** How long a source video lasts that the mock did not make, unless told. */
export const DEFAULT_SOURCE_SECONDS = 5;
/** The longest source the mock takes: an hour, so its looped media stays small. */
export const MAX_SOURCE_SECONDS = 3600;

/**
 * Fresh settings from startMock() options.
 * @param {{ apiKeys?: string[], klingApiKeys?: string[], klingKeys?: { accessKey: string, secretKey: string }[],
 *           advance?: object, sourceSeconds?: number }} options
 */
export function createSettings(options = {}) {
  /** @type {{ apiKeys: string[], klingApiKeys: string[], klingKeys: { accessKey: string, secretKey: string }[],
   *           advance: { mode: "time"|"polls", stepMs: number, stepPolls: number }, sourceSeconds: number }} */
  const settings = {
    apiKeys: [],
    klingApiKeys: [],
    klingKeys: [],
    webhookSecret: null,
    klingCallbackShape: "task",
    klingQueryEcho: false,
    advance: { mode: "time", stepMs: DEFAULT_STEP_MS, stepPolls: DEFAULT_STEP_POLLS },
    sourceSeconds: DEFAULT_SOURCE_SECONDS,
  };
  // Every option is checked as configure() checks it: an unknown one (an old
  // `videoSeconds`, a typo) is refused, not ignored.
  applySettings(settings, options);
  return settings;
}

/**
 * Validates a partial update, then applies it all at once (or nothing).
 * `advance` is merged into the current value, so `{ stepMs: 50 }` keeps the mode.
 * @param {ReturnType<typeof createSettings>} settings
 * @param {{ apiKeys?: string[], klingApiKeys?: string[], klingKeys?: object[], advance?: object, sourceSeconds?: number }} patch
 */
export function applySettings(settings, patch) {
  if (!isPlainObject(patch)) throw new TypeError("config must be an object");
  const known = new Set(["apiKeys", "klingApiKeys", "klingKeys", "webhookSecret", "klingCallbackShape", "klingQueryEcho", "advance", "sourceSeconds"]);
  for (const key of Object.keys(patch)) {
    if (!known.has(key)) throw new TypeError(`unknown config field "${key}"`);
  }
  const next = { ...settings };

  if (patch.apiKeys !== undefined) next.apiKeys = checkKeys(patch.apiKeys, "apiKeys");
  if (patch.klingApiKeys !== undefined) next.klingApiKeys = checkKeys(patch.klingApiKeys, "klingApiKeys");

  if (patch.klingKeys !== undefined) next.klingKeys = checkKlingKeys(patch.klingKeys);

  if (patch.webhookSecret !== undefined) {
    const secret = patch.webhookSecret;
    if (secret !== null && !(typeof secret === "string" && /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret))) {
      throw new TypeError("webhookSecret must be a whsec_ secret (base64 after the prefix), or null");
    }
    next.webhookSecret = secret;
  }

  if (patch.klingCallbackShape !== undefined) {
    if (patch.klingCallbackShape !== "task" && patch.klingCallbackShape !== "newer") {
      throw new TypeError('klingCallbackShape must be "task" or "newer"');
    }
    next.klingCallbackShape = patch.klingCallbackShape;
  }

  if (patch.klingQueryEcho !== undefined) {
    if (typeof patch.klingQueryEcho !== "boolean") throw new TypeError("klingQueryEcho must be a boolean");
    next.klingQueryEcho = patch.klingQueryEcho;
  }

  if (patch.advance !== undefined) {
    const a = patch.advance;
    if (!isPlainObject(a)) throw new TypeError("advance must be an object");
    const advance = { ...settings.advance, ...a };
    if (advance.mode !== "time" && advance.mode !== "polls") {
      throw new TypeError('advance.mode must be "time" or "polls"');
    }
    if (!(Number.isFinite(advance.stepMs) && advance.stepMs >= 0)) {
      throw new TypeError("advance.stepMs must be a number >= 0");
    }
    if (!(Number.isInteger(advance.stepPolls) && advance.stepPolls >= 0)) {
      throw new TypeError("advance.stepPolls must be an integer >= 0");
    }
    next.advance = { mode: advance.mode, stepMs: advance.stepMs, stepPolls: advance.stepPolls };
  }

  if (patch.sourceSeconds !== undefined) {
    const s = patch.sourceSeconds;
    if (!(Number.isFinite(s) && s > 0 && s <= MAX_SOURCE_SECONDS)) {
      throw new TypeError(`sourceSeconds must be a number of seconds > 0 and at most ${MAX_SOURCE_SECONDS}`);
    }
    next.sourceSeconds = s;
  }

  Object.assign(settings, next);
}

/** A list of non-empty key strings → a copy. */
function checkKeys(keys, name) {
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string" && k !== "")) {
    throw new TypeError(`${name} must be an array of non-empty strings`);
  }
  return [...keys];
}

/**
 * `[{ accessKey, secretKey }]` → a validated copy. Access keys must be unique:
 * a token names its key by `iss`, so one access key has one secret.
 * Messages never contain a key.
 */
function checkKlingKeys(keys) {
  const message = "klingKeys must be an array of { accessKey, secretKey } with non-empty strings";
  if (!Array.isArray(keys)) throw new TypeError(message);
  const seen = new Set();
  return keys.map((k, i) => {
    if (!isPlainObject(k)) throw new TypeError(message);
    for (const field of Object.keys(k)) {
      if (field !== "accessKey" && field !== "secretKey") throw new TypeError(`unknown field "${field}" in klingKeys[${i}]`);
    }
    if (typeof k.accessKey !== "string" || k.accessKey === "" || typeof k.secretKey !== "string" || k.secretKey === "") {
      throw new TypeError(message);
    }
    if (seen.has(k.accessKey)) throw new TypeError(`klingKeys[${i}] repeats an earlier accessKey`);
    seen.add(k.accessKey);
    return { accessKey: k.accessKey, secretKey: k.secretKey };
  });
}

/**
 * Settings as safe to show: the keys themselves are never returned.
 * `klingAuth: true` is only present when Kling keys (API keys, or access
 * and secret keys) are configured, so a
 * mock without them reports exactly what it did before Kling was added.
 */
export function publicSettings(settings) {
  const shown = {
    auth: settings.apiKeys.length > 0,
    advance: { ...settings.advance },
    sourceSeconds: settings.sourceSeconds,
  };
  if (settings.klingKeys.length > 0 || settings.klingApiKeys.length > 0) shown.klingAuth = true;
  if (settings.webhookSecret) shown.signedCallbacks = true;
  if (settings.klingCallbackShape !== "task") shown.klingCallbackShape = settings.klingCallbackShape;
  if (settings.klingQueryEcho) shown.klingQueryEcho = true;
  return shown;
}

export function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
