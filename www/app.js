import { quote, extendVideo, pollJob } from "kling-extend";

const { baseUrl } = await (await fetch("/config.json")).json();
const $ = (id) => document.getElementById(id);

function showQuote() {
  const form = new FormData($("quote-form"));
  try {
    const q = quote({ seconds: Number(form.get("seconds")), resolution: form.get("resolution") });
    $("quote").textContent = `${q.formatted} (${q.billedSeconds} s × ${q.perSecond} credits)`;
  } catch (error) {
    $("quote").textContent = error.message;
  }
}

$("quote-form").addEventListener("input", showQuote);
showQuote();

$("extend-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const status = $("status");
  try {
    const { job_id } = await extendVideo({ video_id: form.get("video_id"), prompt: form.get("prompt") }, { baseUrl });
    status.textContent = `submitted ${job_id}`;
    const job = await pollJob(job_id, {
      baseUrl,
      intervalMs: 500,
      onUpdate: (update) => (status.textContent = `${job_id}: ${update.status}`),
    });
    status.textContent = `${job_id}: succeeded, ${job.credits_charged} credits`;
    Object.assign($("video"), { src: job.output.outputs[0].url, hidden: false });
  } catch (error) {
    status.textContent = `${error.code ?? "error"}: ${error.message}`;
  }
});
