//! The two routes that call the service: a submit and a read, through a
//! client made from the Worker's environment.

use crate::answer;
use kling_extend_client::{Client, ExtendRequest, Provider};
use worker::{Env, Request, Response, Result, RouteContext};

/// `POST /extend`: the submission, 202. The body is the npm package's
/// request object (`video_id`, `prompt`, `callback_url`, …; a member it does
/// not know is refused). The client's checks (no source, a prompt too long, a
/// callback URL that is not http(s)) refuse a request before anything is
/// sent: 400 naming the field.
pub async fn extend(mut request: Request, context: RouteContext<()>) -> Result<Response> {
    // Read as text and parsed by serde_json: `Request::json` goes through
    // serde-wasm-bindgen, which reads only the members a type names, so a
    // misspelt one (`callbackUrl`) would pass unseen.
    let text = request.text().await?;
    let body: ExtendRequest = match serde_json::from_str(&text) {
        Ok(body) => body,
        Err(error) => return answer::refused(400, "invalid_request", &format!("the body is not a request: {error}")),
    };
    let client = match client(&context.env) {
        Ok(client) => client,
        Err(refusal) => return refusal,
    };
    match client.extend_video(body).await {
        Ok(submission) => Ok(Response::from_json(&submission)?.with_status(202)),
        Err(error) => answer::failed(&error),
    }
}

/// `GET /jobs/:id`: the job as the service last reported it.
pub async fn read(_: Request, context: RouteContext<()>) -> Result<Response> {
    let id = context.param("id").cloned().unwrap_or_default();
    let client = match client(&context.env) {
        Ok(client) => client,
        Err(refusal) => return refusal,
    };
    match client.get_job(&id).await {
        Ok(job) => Response::from_json(&job),
        Err(error) => answer::failed(&error),
    }
}

/// A client of the gateway with the Worker's key: built per request, as the
/// environment is the request's (building checks the options, no I/O).
/// On wasm32 the client's `fetch` feature makes the global `fetch` its
/// transport and the platform's timers its runtime.
fn client(env: &Env) -> std::result::Result<Client, Result<Response>> {
    let Ok(key) = env.secret("TRINETRA_API_KEY") else {
        return Err(answer::refused(500, "server_error", "the Worker has no secret TRINETRA_API_KEY"));
    };
    let mut builder = Client::builder(Provider::Trinetra).api_key(key.to_string());
    if let Some(upstream) = env.var("UPSTREAM_URL").ok().map(|url| url.to_string()).filter(|url| !url.is_empty()) {
        builder = builder.base_url(upstream);
    }
    // An option the client refuses is the Worker's configuration, not the caller's request.
    builder.build().map_err(|error| answer::refused(500, "server_error", &format!("the Worker's client: {error}")))
}
