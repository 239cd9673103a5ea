// The job view: runs what the quote prices, one extension after another,
// each from the last one's video: submits the request, then polls the job
// until it ends, showing a status timeline, elapsed time, the number of reads
// (counted by a fetch that wraps the global one), a Cancel button (an
// AbortController's signal), the finished video, and what was charged next to
// the quote.
import { extendVideo, pollJob } from "kling-extend";
import { byId, costSpan, count, formatSeconds, SERVICE_BASIS } from "./dom.js";

/** Polling for people: 0.5 s between reads at first, growing ×1.5 up to 1.5 s. */
const POLLING = { intervalMs: 500, maxIntervalMs: 1500 };
const RUPEES = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });
/** How a run ends: as the job ended, stopped by the user, or as far as the page can tell. */
const TERMINAL = {
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
  aborted: "Stopped",
  refused: "Not accepted", // the submit made no job, for certain
  unconfirmed: "Maybe accepted", // the submit had no answer: a job may exist
  lost: "Outcome unknown", // accepted, but not followed to its end
};
/** Steps of one extension on the progress bar: queued, running, done. */
const PROGRESS = { queued: 1, running: 2 };
const STEPS = 3;

/** What "Accepted?" says when the package knows whether a submit was accepted. */
const ACCEPTED = {
  maybe: "maybe: the answer never came, so it was not sent again; the job may exist",
  no: "no: the service made no job",
};

/** What extending this job's result sends as video_id: Kling's result video, else (Trinetra) the job. */
function nextVideoId(done) {
  return done.output?.outputs?.[0]?.id ?? done.id;
}

export function createJobView({ onBusy, onFieldError, onExtendResult }) {
  const el = {
    empty: byId("job-empty"),
    body: byId("job-body"),
    id: byId("job-id"),
    provider: byId("job-provider"),
    cancel: byId("job-cancel"),
    actions: byId("job-actions"),
    timeline: byId("job-timeline"),
    progress: byId("job-progress"),
    status: byId("job-status"),
    elapsed: byId("job-elapsed"),
    polls: byId("job-polls"),
    quote: byId("job-quote"),
    charged: byId("job-charged"),
    error: byId("job-error"),
    errorCode: byId("job-error-code"),
    errorMessage: byId("job-error-message"),
    errorDetails: byId("job-error-details"),
    result: byId("job-result"),
    video: byId("job-video"),
    placeholder: byId("job-video-placeholder"),
    caption: byId("job-video-caption"),
    videoLink: byId("job-video-link"),
    extendAgain: byId("job-extend-again"),
    announce: byId("job-announce"),
    title: byId("job-title"),
  };
  const steps = Object.fromEntries([...el.timeline.children].map((li) => [li.dataset.step, li]));
  /**
   * The run on screen: { controller, started, timer, polls, plan, finished (the
   * ended jobs), step (1-based) and its job's id, status and reached steps }.
   */
  let current = null;

  el.cancel.addEventListener("click", () => current?.controller.abort());
  el.extendAgain.addEventListener("click", () => {
    const last = current?.finished.at(-1);
    if (!last) return;
    // The next quote starts from this video: Kling says how long it is, else the player does.
    const seconds = last.output?.outputs?.[0]?.duration ?? (Number.isFinite(el.video.duration) ? el.video.duration : undefined);
    onExtendResult(nextVideoId(last), seconds);
  });

  function announce(text) {
    el.announce.textContent = text;
  }

  function elapsed(job) {
    return performance.now() - job.started;
  }

  function tick(job) {
    el.elapsed.textContent = formatSeconds(elapsed(job));
  }

  /**
   * Marks a step reached at the current time. Earlier steps the job went
   * through between two reads are marked passed, "not seen"; a job that was
   * never created (a refused submit) passed none.
   */
  function reach(job, step, label) {
    const order = ["queued", "running", "done"];
    const earlier = job.id ? order.slice(0, order.indexOf(step)) : [];
    for (const name of [...earlier, step]) {
      const li = steps[name];
      if (!job.reached.has(name)) {
        job.reached.add(name);
        const seen = name === step;
        li.classList.toggle("skipped", !seen);
        li.querySelector(".step-time").textContent = seen ? `+${formatSeconds(elapsed(job))}` : "not seen";
      }
      li.classList.add("reached");
      li.removeAttribute("aria-current");
    }
    steps[step].setAttribute("aria-current", "step");
    if (label) steps.done.querySelector(".step-name").textContent = label;
  }

  /** "Job", or which extension of several. */
  function which(job) {
    return job.plan.input.extensions === 1 ? "Job" : `Extension ${job.step} of ${job.plan.input.extensions}`;
  }

  function setStatus(job, status) {
    if (job.status === status) return;
    job.status = status;
    el.status.dataset.status = status;
    const terminal = TERMINAL[status];
    el.status.textContent = terminal ? terminal.toLowerCase() : status;
    const done = STEPS * (job.step - 1);
    if (terminal) {
      reach(job, "done", terminal);
      steps.done.dataset.outcome = status;
      el.progress.value = done + STEPS;
      el.progress.dataset.outcome = status;
    } else if (PROGRESS[status]) {
      reach(job, status);
      el.progress.value = done + PROGRESS[status];
    }
    announce(`${which(job)} ${terminal ? terminal.toLowerCase() : status}.`);
  }

  function reset(plan) {
    el.empty.hidden = true;
    el.body.hidden = false;
    el.progress.max = STEPS * plan.input.extensions;
    el.elapsed.textContent = formatSeconds(0);
    el.polls.textContent = "0";
    const { chain, input, summary } = plan;
    el.quote.textContent = `${costSpan(chain.min, chain.max)} (${summary}, ${
      input.basis === "output" ? "billed on the whole output" : "billed on the added seconds"
    }${input.discountPercent ? `, ${input.discountPercent}% off` : ""})`;
    el.charged.textContent = "—";
    el.error.hidden = true;
    el.result.hidden = false;
    el.video.hidden = true;
    el.caption.hidden = true;
    el.placeholder.hidden = false;
    el.placeholder.textContent = "The extended video plays here when the job succeeds.";
    el.video.removeAttribute("src");
    el.video.load();
    el.actions.hidden = false;
  }

  /** A new extension: its own job, so a fresh timeline. */
  function startStep(job, step) {
    Object.assign(job, { step, id: undefined, status: "", reached: new Set() });
    el.id.textContent = "(submitting…)";
    el.provider.textContent = `· ${job.plan.input.extensions === 1 ? "" : `${which(job).toLowerCase()} · `}${job.tier}`;
    for (const li of Object.values(steps)) {
      li.classList.remove("reached", "skipped");
      li.removeAttribute("aria-current");
      delete li.dataset.outcome;
      li.querySelector(".step-time").textContent = "";
    }
    steps.done.querySelector(".step-name").textContent = "Done";
    el.progress.removeAttribute("value"); // indeterminate while submitting
    delete el.progress.dataset.outcome;
    el.status.dataset.status = "submitting";
    el.status.textContent = "submitting";
  }

  /**
   * What the finished extensions cost, each service in its own terms
   * (Trinetra credits, which are rupees; Kling units), next to the quote for
   * them all.
   */
  function showCharged(job) {
    const units = job.plan.input.provider === "kling";
    const amounts = job.finished.map((done) => (units ? done.units_charged : done.credits_charged));
    if (amounts.includes(undefined)) {
      el.charged.textContent = "not reported";
      return;
    }
    const total = amounts.reduce((sum, amount) => sum + amount, 0);
    el.charged.textContent = `${units ? count("unit", total) : `${count("credit", total)} (${RUPEES.format(total)})`}${verdict(job, total)}`;
  }

  /**
   * How a charge compares with the quote. Outside it, the page says why when
   * it can: the quote's discount was not applied (Trinetra credits at list
   * price, as the local mock bills), or the quote priced a basis the service
   * does not bill by.
   */
  function verdict(job, total) {
    const { input, chain } = job.plan;
    if (job.finished.length < input.extensions) return `, for ${job.finished.length} of the ${count("extension", input.extensions)} quoted`;
    const within = (key) => total >= chain.min[key] && total <= chain.max[key];
    if (within(input.provider === "kling" ? "units" : "credits")) return ", within the quote";
    if (input.provider !== "kling" && input.discountPercent && within("listCredits")) {
      return `, the quote's list price: its ${input.discountPercent}% off was not applied`;
    }
    if (input.basis !== SERVICE_BASIS[input.provider]) {
      const service = input.provider === "kling" ? "Kling bills each extension" : "Trinetra bills the whole output";
      return `, outside the quote, which prices ${input.basis === "output" ? "the whole output" : "only the seconds added"}: ${service}`;
    }
    return ", outside the quoted range";
  }

  function showResult(job) {
    const video = job.finished.at(-1).output?.outputs?.[0];
    if (video?.url) {
      el.video.src = video.url;
      el.videoLink.href = video.url;
      el.video.hidden = false;
      el.caption.hidden = false;
      el.placeholder.hidden = true;
      el.video.play().catch(() => {}); // muted autoplay; a refusal only means "press play"
    }
    showCharged(job);
  }

  function showError(job, error) {
    const known = error && typeof error === "object" && typeof error.code === "string";
    el.errorCode.textContent = known ? error.code : (error?.name ?? "Error");
    el.errorMessage.textContent = error?.message ?? String(error);
    const details = [];
    if (known) {
      if (error.job?.error) details.push(["Reason", error.job.error]);
      if (error.status !== undefined) details.push(["HTTP status", String(error.status)]);
      if (error.providerCode !== undefined) details.push(["Service code", String(error.providerCode)]);
      if (error.field) details.push(["Field", error.field]);
      if (error.requestId) details.push(["Request id", error.requestId]);
      if (error.maybeSubmitted !== undefined) details.push(["Accepted?", error.maybeSubmitted ? ACCEPTED.maybe : ACCEPTED.no]);
      if (error.code !== "aborted") details.push(["Retry later?", error.retryable ? "yes" : "no"]);
    }
    el.errorDetails.replaceChildren(
      ...details.map(([term, text]) => {
        const div = document.createElement("div");
        const dt = document.createElement("dt");
        const dd = document.createElement("dd");
        dt.textContent = term;
        dd.textContent = text;
        div.append(dt, dd);
        return div;
      }),
    );
    el.error.dataset.code = el.errorCode.textContent;
    el.error.hidden = false;
    el.result.hidden = true;
    // One story: a submit without an answer is "maybe accepted" everywhere, one refused "not accepted".
    job.id ??= error?.job?.id;
    if (!job.id) el.id.textContent = error?.maybeSubmitted ? "(no answer: it may exist)" : "(not created)";
    const status =
      error?.code === "aborted" ? "aborted"
      : error?.code === "job_failed" ? "failed"
      : error?.code === "job_canceled" ? "canceled"
      : job.id ? "lost"
      : error?.maybeSubmitted ? "unconfirmed"
      : "refused";
    setStatus(job, status);
    if (job.finished.length > 0) showCharged(job);
    if (error?.code === "invalid_request" && error.field) onFieldError(error.field, error.message);
    announce(`${which(job)} ${TERMINAL[status].toLowerCase()}: ${el.errorCode.textContent}, ${el.errorMessage.textContent}`);
  }

  return {
    /**
     * Runs the plan's extensions, each from the last one's video, following
     * each job to its end; resolves when the run has ended (never rejects).
     */
    async run({ baseUrl, provider, request, plan }) {
      current?.controller.abort();
      const tier = `${provider === "kling" ? "Kling API" : "Trinetra gateway"} · ${request.resolution ?? request.mode}`;
      const job = { controller: new AbortController(), started: performance.now(), polls: 0, plan, tier, finished: [] };
      current = job;
      reset(plan);
      announce("Submitting the job.");
      onBusy(true);
      el.cancel.focus(); // the form's button is disabled now; Cancel is the next thing to press
      job.timer = setInterval(() => tick(job), 100);
      // Counts the job reads (GET); the submit is the one POST.
      const countingFetch = (input, init) => {
        if ((init?.method ?? "GET").toUpperCase() === "GET") {
          job.polls += 1;
          el.polls.textContent = String(job.polls);
        }
        return globalThis.fetch(input, init);
      };
      const options = { provider, baseUrl, fetch: countingFetch, signal: job.controller.signal };
      try {
        for (let step = 1; step <= plan.input.extensions; step += 1) {
          startStep(job, step);
          const video_id = step === 1 ? request.video_id : nextVideoId(job.finished.at(-1));
          const submission = await extendVideo({ ...request, video_id }, options);
          job.id = submission.job_id;
          el.id.textContent = job.id;
          setStatus(job, submission.status);
          const done = await pollJob(submission.job_id, {
            ...options,
            ...POLLING,
            onUpdate: (update) => setStatus(job, update.status),
          });
          setStatus(job, done.status);
          job.finished.push(done);
        }
        showResult(job);
        const extensions = plan.input.extensions;
        announce(`${extensions === 1 ? "Job" : count("extension", extensions)} succeeded after ${formatSeconds(elapsed(job))} and ${count("poll", job.polls)}. Charged: ${el.charged.textContent}.`);
      } catch (error) {
        showError(job, error);
      } finally {
        clearInterval(job.timer);
        tick(job);
        const hadFocus = document.activeElement === el.cancel;
        el.actions.hidden = true;
        if (hadFocus) el.title.focus(); // not lost to <body> with the hidden button
        onBusy(false);
      }
    },
  };
}
