// Generated from the Rust core by `cargo test` (tests/contract.rs): do not
// edit. `KLING_EXTEND_WRITE_CONTRACT=1 cargo test contract` writes it again.

/** The options the core takes as data (crates/core/src/client/options.rs, and each provider's credentials). */
export const OPTIONS = /** @type {const} */ (["provider", "baseUrl", "apiKey", "accessKey", "secretKey", "token", "timeoutMs", "maxRetries", "maxResponseBytes", "headers", "dangerouslyAllowBrowser", "intervalMs", "maxIntervalMs", "waitTimeoutMs", "sourceSeconds", "callbackUrl", "resume", "logLevel"]);

/** The options that are functions: the driver calls them. */
export const HOOKS = /** @type {const} */ (["fetch", "onUpdate", "onStep", "onProgress", "onSubmitted"]);

/** The other options JS takes, never sent to the core. */
export const TAKEN_AS_VALUES = /** @type {const} */ (["signal", "logger"]);

/** `KlingExtendError.code`s the core makes (crates/core/src/types/error.rs). */
export const ERROR_CODES = /** @type {const} */ (["invalid_request", "unauthorized", "forbidden", "insufficient_credits", "not_found", "rate_limited", "content_policy", "server_error", "network_error", "timeout", "aborted", "job_failed", "job_canceled", "bad_response"]);

/** The network calls the core runs as tasks (crates/core/src/client/task.rs). */
export const TASK_KINDS = /** @type {const} */ (["extendVideo", "getJob", "pollJob", "run", "chainExtensions", "chainSubmit"]);

/** What the driver reports of a step that is not a response. */
export const EVENTS = /** @type {const} */ (["waited", "timedOut", "failed", "redirected", "tooLarge", "aborted", "end"]);

/** The `aborted` event's detail when a request was under way. */
export const IN_FLIGHT = "inFlight";

/** The `failed` event's detail when the runtime refused to send. */
export const NOT_SENT = "ENOTSENT";

/** The hooks a step's updates name (crates/core/src/client/hook.rs). */
export const UPDATE_HOOKS = /** @type {const} */ (["onUpdate", "onStep", "onProgress", "onSubmitted", "log"]);
