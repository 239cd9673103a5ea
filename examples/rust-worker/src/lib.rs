//! A Cloudflare Worker in Rust that extends Kling videos through
//! `kling-extend-client`, keeping the service's key on Cloudflare:
//!
//! - `POST /extend` `{"video_id": "…", "prompt": "…", "callback_url": "…"}`
//!   submits an extension and answers the submission (202);
//! - `GET /jobs/:id` reads a job once;
//! - `POST /webhook` checks a signed delivery of a job's end (Standard
//!   Webhooks) and answers 204, or 401/400 naming what did not verify.
//!
//! Secrets: `TRINETRA_API_KEY` (the gateway's key) and `WEBHOOK_SECRET`
//! (`whsec_…`); the variable `UPSTREAM_URL` points the client elsewhere than
//! the gateway (a mock, a proxy), empty for the gateway itself.

mod answer;
mod jobs;
mod webhook;

use worker::{event, Context, Env, Request, Response, Result, Router};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _: Context) -> Result<Response> {
    Router::new()
        .post_async("/extend", jobs::extend)
        .get_async("/jobs/:id", jobs::read)
        .post_async("/webhook", webhook::receive)
        .run(request, env)
        .await
}
