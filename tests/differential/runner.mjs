// The npm package's side of the differential test: one scenario's steps
// through the built package (pkg/, its Node entry), as the transcript the
// Rust side prints (crates/client/examples/differential.rs): per step, the
// call, its value or its error, and the events its hooks reported.
import * as pkg from "../../pkg/node.js";

/** The error's fields a caller branches on, as plain JSON. */
const errorFields = (error) => {
  if (!pkg.isKlingExtendError(error)) throw error;
  const { code, message, status, providerCode, requestId, retryable, retryAfterMs, field, maybeSubmitted, job } = error;
  return plain({ code, message, status, providerCode, requestId, retryable, retryAfterMs, field, maybeSubmitted, job });
};

/** What JSON carries of `value` (undefined members gone), as both sides print it. */
const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/** The hooks of a call, each pushing the event the Rust client's `Event` names. */
function hooks(events) {
  return {
    onSubmitted: (submission) => events.push({ event: "submitted", submission: plain(submission) }),
    onUpdate: (job) => events.push({ event: "updated", job: plain(job) }),
    onStep: ({ index, job }) => events.push({ event: "step", index, job: plain(job) }),
    onProgress: (progress) => events.push({ event: "progress", progress: plain(progress) }),
  };
}

/** Calls `step` on `client`; its value, with the events `hooks` saw. */
function perform(client, step, events) {
  const own = { ...(step.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: step.waitTimeoutMs }) };
  switch (step.call) {
    case "extendVideo":
      return client.extendVideo(step.request);
    case "getJob":
      return client.getJob(step.id);
    case "pollJob":
      return client.pollJob(step.id, { ...own, onUpdate: hooks(events).onUpdate });
    case "run": {
      const { onSubmitted, onUpdate } = hooks(events);
      return client.run(step.request, { ...own, onSubmitted, onUpdate });
    }
    case "chainExtensions": {
      const seconds = step.sourceSeconds === undefined ? {} : { sourceSeconds: step.sourceSeconds };
      return client.chainExtensions(step.video_id, step.prompts, { ...own, ...seconds, ...hooks(events) });
    }
    default:
      throw new Error(`scenario step: unknown call ${JSON.stringify(step.call)}`);
  }
}

/**
 * Runs `scenario`'s steps with a client of `options` (the scenario file's
 * client and options, `baseUrl` set) and resolves the transcript.
 */
export async function runScenario(scenario, options) {
  const client = pkg.createClient(options);
  const steps = [];
  for (const step of scenario.steps) {
    const events = [];
    try {
      steps.push({ call: step.call, ok: plain(await perform(client, step, events)), events });
    } catch (error) {
      steps.push({ call: step.call, error: errorFields(error), events });
    }
  }
  return { steps };
}
