// The extend form: builds the request for the chosen provider and checks it
// with the package's own rules (validateRequest) as the user types. Nothing
// is sent while a field is invalid. It runs what the quote panel prices, and
// says so under its button.
import { validateRequest } from "kling-extend";
import { byId, costSpan, numberFrom, setFieldError, showProviderFields } from "./dom.js";

/**
 * `onTierChange({ resolution, mode })`: the user picked another tier here.
 * `onSubmit({ provider, request })`: resolves with why nothing was sent, or
 * nothing once the job runs.
 */
export function createExtendForm({ onSubmit, onTierChange }) {
  const form = byId("extend-form");
  const inputs = {
    video_id: byId("e-video-id"),
    prompt: byId("e-prompt"),
    negative_prompt: byId("e-negative-prompt"),
    cfg_scale: byId("e-cfg-scale"),
    callback_url: byId("e-callback-url"),
    resolution: byId("e-resolution"),
    mode: byId("e-mode"),
  };
  const slider = byId("e-cfg-range");
  const submit = byId("e-submit");
  const status = byId("e-status");
  const planLine = byId("e-plan");
  let provider = "trinetra";
  let busy = false;
  /** Fields whose error came from the service or proxy; cleared when edited. */
  let remote = new Map();

  /** The request as typed; empty optional fields are left out. */
  function request() {
    const value = (name) => inputs[name].value;
    const body = { video_id: value("video_id") };
    for (const name of ["prompt", "negative_prompt", "callback_url"]) {
      if (value(name).trim() !== "") body[name] = value(name);
    }
    if (inputs.cfg_scale.value.trim() !== "" || inputs.cfg_scale.validity.badInput) {
      body.cfg_scale = numberFrom(inputs.cfg_scale);
    }
    if (provider === "kling") body.mode = value("mode");
    else body.resolution = value("resolution");
    return body;
  }

  /**
   * Every field the rules refuse, with the rules' message. validateRequest
   * stops at the first problem, so the field it names is set aside (video_id,
   * which is required, is replaced by a valid stand-in) and the rest is checked
   * again, until the request passes.
   */
  function problems(body) {
    const found = new Map();
    const probe = { ...body };
    for (let round = 0; round <= Object.keys(inputs).length; round += 1) {
      try {
        validateRequest(probe, { provider });
        break;
      } catch (error) {
        const field = error?.field ?? "";
        if (found.has(field) || !(field in inputs)) {
          if (!found.has(field)) found.set(field, error?.message ?? String(error));
          break;
        }
        found.set(field, error.message);
        if (field === "video_id") probe.video_id = "stand-in";
        else delete probe[field];
      }
    }
    for (const [field, message] of remote) if (!found.has(field)) found.set(field, message);
    return found;
  }

  function show(found) {
    for (const [name, input] of Object.entries(inputs)) setFieldError(input, found.get(name) ?? "");
    const general = [...found].filter(([field]) => !(field in inputs));
    status.textContent = general.length ? general.map(([, message]) => message).join("; ") : "";
    return found;
  }

  function check() {
    return show(problems(request()));
  }

  slider.addEventListener("input", () => {
    inputs.cfg_scale.value = slider.value;
  });
  inputs.cfg_scale.addEventListener("input", () => {
    const n = Number(inputs.cfg_scale.value);
    if (inputs.cfg_scale.value.trim() !== "" && n >= 0 && n <= 1) slider.value = String(n);
  });
  form.addEventListener("input", (event) => {
    if (event.target === inputs.resolution || event.target === inputs.mode) {
      onTierChange({ resolution: inputs.resolution.value, mode: inputs.mode.value });
    }
    for (const [field, input] of Object.entries(inputs)) {
      if (input === event.target || (field === "cfg_scale" && event.target === slider)) remote.delete(field);
    }
    check();
  });
  for (const button of form.querySelectorAll("[data-video-id]")) {
    button.addEventListener("click", () => {
      inputs.video_id.value = button.dataset.videoId;
      remote.delete("video_id");
      check();
      inputs.video_id.focus();
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const found = check();
    if (found.size > 0) {
      const first = Object.entries(inputs).find(([name]) => found.has(name));
      const count = found.size === 1 ? "1 field needs" : `${found.size} fields need`;
      status.textContent = `Not sent: ${count} fixing.`;
      first?.[1].focus();
      return;
    }
    status.textContent = "";
    setBusy(true); // until the job runs, or the page says why it cannot
    const refusal = await onSubmit({ provider, request: request() }).catch((error) => `Not sent: ${error?.message ?? error}.`);
    if (refusal) {
      status.textContent = refusal;
      setBusy(false);
    }
  });

  function setBusy(value) {
    busy = value;
    submit.disabled = value;
    submit.textContent = value ? "Job in progress…" : "Extend video";
  }

  showProviderFields(form, provider);

  return {
    /** Shows the fields of this provider (resolution or mode) and re-checks. */
    setProvider(next) {
      provider = next;
      showProviderFields(form, provider);
      remote = new Map();
      check();
    },
    /** Follows the quote panel's resolution and mode: one choice for both. */
    setTier({ resolution, mode }) {
      inputs.resolution.value = resolution;
      inputs.mode.value = mode;
      check();
    },
    /** While a job runs, the form cannot send another. */
    setBusy,
    /** What the button runs: the quote panel's plan (see quote-panel.js), or why nothing can run. */
    showPlan({ summary, chain, problem }) {
      planLine.textContent = problem ? `Nothing to run: ${problem}.` : `Runs the quote: ${summary}, ${costSpan(chain.min, chain.max)}.`;
    },
    /** An invalid_request from the service or proxy, shown next to its field. */
    showRemoteError(field, message) {
      if (!(field in inputs)) return false;
      remote.set(field, message);
      check();
      return true;
    },
    /** For "Extend this result": the next step starts from the finished video. */
    useVideoId(id) {
      inputs.video_id.value = id;
      remote.delete("video_id");
      check();
      inputs.video_id.focus();
      inputs.video_id.scrollIntoView({ block: "center", behavior: "smooth" });
    },
  };
}
