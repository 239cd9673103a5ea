// The job view: submits the request, then polls the job until it ends,
// showing a status timeline, elapsed time, the number of reads (counted by a
// fetch that wraps the global one), a Cancel button (an AbortController's
// signal), the finished video, and credits charged next to the quote.
import { extendVideo, pollJob } from "kling-extend";
import { byId, costSpan, formatCredits, formatSeconds } from "./dom.js";

/** Polling for people: 0.5 s between reads at first, growing ×1.5 up to 1.5 s. */
const POLLING = { intervalMs: 500, maxIntervalMs: 1500 };
const RUPEES = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" });
const TERMINAL = { succeeded: "Succeeded", failed: "Failed", canceled: "Canceled", aborted: "Stopped", error: "Not accepted" };
const PROGRESS = { queued: 1, running: 2 };

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
  /** The job on screen: { controller, started, timer, polls, reached, nextVideoId }. */
  let current = null;

  el.cancel.addEventListener("click", () => current?.controller.abort());
  el.extendAgain.addEventListener("click", () => {
    if (current?.nextVideoId) onExtendResult(current.nextVideoId);
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

  function setStatus(job, status) {
    if (job.status === status) return;
    job.status = status;
    el.status.dataset.status = status;
    const terminal = TERMINAL[status];
    el.status.textContent = terminal ? terminal.toLowerCase() : status;
    if (terminal) {
      reach(job, "done", terminal);
      steps.done.dataset.outcome = status;
      el.progress.value = 3;
      el.progress.dataset.outcome = status;
    } else if (PROGRESS[status]) {
      reach(job, status);
      el.progress.value = PROGRESS[status];
    }
    announce(terminal ? `Job ${terminal.toLowerCase()}.` : `Job ${status}.`);
  }

  function reset({ provider, request, estimate }) {
    el.empty.hidden = true;
    el.body.hidden = false;
    el.id.textContent = "(submitting…)";
    el.provider.textContent = `· ${provider === "kling" ? "Kling API" : "Trinetra gateway"} · ${request.resolution ?? request.mode}`;
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
    el.elapsed.textContent = formatSeconds(0);
    el.polls.textContent = "0";
    const { chain, input } = estimate;
    el.quote.textContent = `${costSpan(chain.min, chain.max)} (1 extension of a ${input.sourceSeconds} s video, ${
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

  function showResult(job, done, estimate) {
    const video = done.output?.outputs?.[0];
    job.nextVideoId = video?.id ?? done.id;
    if (video?.url) {
      el.video.src = video.url;
      el.videoLink.href = video.url;
      el.video.hidden = false;
      el.caption.hidden = false;
      el.placeholder.hidden = true;
      el.video.play().catch(() => {}); // muted autoplay; a refusal only means "press play"
    }
    // Each service charges in its own terms: Trinetra credits (rupees), Kling units.
    const { min, max } = estimate.chain;
    const [charged, quoted, shown] =
      done.units_charged !== undefined
        ? [done.units_charged, [min.units, max.units], `${formatCredits(done.units_charged)} units`]
        : [done.credits_charged, [min.credits, max.credits], `${formatCredits(done.credits_charged)} credits (${RUPEES.format(done.credits_charged)})`];
    if (charged === undefined) {
      el.charged.textContent = "not reported";
    } else {
      const within = charged >= quoted[0] && charged <= quoted[1];
      el.charged.textContent = `${shown}${within ? ", within the quote" : ", outside the quoted range"}`;
    }
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
      if (error.maybeSubmitted) details.push(["Submitted?", "maybe: the service may have accepted it, so it was not sent again"]);
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
    const status =
      error?.code === "aborted" ? "aborted"
      : error?.code === "job_failed" ? "failed"
      : error?.code === "job_canceled" ? "canceled"
      : "error";
    setStatus(job, status);
    if (error?.code === "invalid_request" && error.field) onFieldError(error.field, error.message);
    announce(`Job ${TERMINAL[status].toLowerCase()}: ${el.errorCode.textContent}, ${el.errorMessage.textContent}`);
  }

  return {
    /** Submits and follows one job; resolves when it has ended (never rejects). */
    async run({ baseUrl, provider, request, estimate }) {
      current?.controller.abort();
      const job = { controller: new AbortController(), started: performance.now(), polls: 0, reached: new Set(), status: "" };
      current = job;
      reset({ provider, request, estimate });
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
        const submission = await extendVideo(request, options);
        job.id = submission.job_id;
        el.id.textContent = job.id;
        setStatus(job, submission.status);
        const done = await pollJob(submission.job_id, {
          ...options,
          ...POLLING,
          onUpdate: (update) => setStatus(job, update.status),
        });
        setStatus(job, done.status);
        showResult(job, done, estimate);
        announce(`Job succeeded after ${formatSeconds(elapsed(job))} and ${job.polls} polls. Charged: ${el.charged.textContent}.`);
      } catch (error) {
        if (!job.id) el.id.textContent = "(not created)";
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
