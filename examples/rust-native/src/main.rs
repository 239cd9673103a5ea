//! A quote, then a whole job: submit an extension, print each change of its
//! status, then the video's URL. Against the package's mock
//! (`scripts/rust-native.sh` starts it and runs this), or the real Trinetra
//! gateway with a key of your own:
//!
//! ```sh
//! TRINETRA_API_KEY=… cargo run -p rust-native --features tls -- VIDEO_ID "the camera pulls back"
//! ```
//!
//! `KLING_EXTEND_BASE_URL` points the client elsewhere (the mock, a proxy);
//! `RUST_LOG=kling_extend_client=info` prints each request it makes.

use kling_extend_client::{
    quote, Client, Error, ErrorCode, Event, ExtendRequest, Provider, Quote, Resolution, TrinetraPricing,
};
use std::process::ExitCode;

/// What the mock's jobs start from when no video id is given.
const VIDEO_ID: &str = "kling_vid_xyz789";
const PROMPT: &str = "the camera pulls back to reveal a crowd";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // Quiet unless RUST_LOG asks: the program reports its own errors.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("off")).init();
    let mut args = std::env::args().skip(1);
    let video_id = args.next().unwrap_or_else(|| VIDEO_ID.to_owned());
    let prompt = args.next().unwrap_or_else(|| PROMPT.to_owned());
    match extend(&video_id, &prompt).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::FAILURE
        }
    }
}

async fn extend(video_id: &str, prompt: &str) -> Result<(), Error> {
    // Offline and exact: what a 10-second 720p video costs at list price.
    if let Quote::Trinetra(price) = quote(TrinetraPricing::new(Resolution::P720), 10.0)? {
        println!(
            "quote: {} s at {} costs {} ({} credits)",
            price.seconds,
            price.resolution.as_str(),
            price.formatted,
            price.credits
        );
    }

    let client = client()?;
    let request = ExtendRequest::video(video_id).prompt(prompt);
    let job = client
        .run(request)
        .on_event(|event| match event {
            // Store the id here to find the job again if this process stops.
            Event::Submitted(submission) => println!("submitted: {} ({:?})", submission.job_id, submission.status),
            Event::Updated(job) => println!("status: {:?}", job.status),
            _ => {}
        })
        .await?;

    if let Some(video) = job.output.as_ref().and_then(|output| output.outputs.first()) {
        println!("video: {}", video.url);
    }
    if let Some(credits) = job.credits_charged {
        println!("charged: {credits} credits");
    }
    Ok(())
}

/// A Trinetra client from the environment: the key, and a base URL if one is set.
fn client() -> Result<Client, Error> {
    let mut builder = Client::builder(Provider::Trinetra);
    if let Ok(key) = std::env::var("TRINETRA_API_KEY") {
        builder = builder.api_key(key);
    }
    if let Ok(url) = std::env::var("KLING_EXTEND_BASE_URL") {
        builder = builder.base_url(url);
    }
    // Without a key this fails here, naming `apiKey`, before any request.
    builder.build()
}

/// The error, and what to do about it: decided by its code and accessors,
/// never by its message.
fn report(error: &Error) {
    eprintln!("error: {error}");
    match (error.code(), error.job()) {
        (ErrorCode::JobFailed | ErrorCode::JobCanceled, Some(job)) => {
            eprintln!(
                "the job {} ended without a video: {}",
                job.id,
                job.error.as_deref().unwrap_or("no reason given")
            );
        }
        (_, Some(job)) => eprintln!("the job {} was accepted: poll it later rather than submitting again", job.id),
        _ if error.maybe_submitted() => {
            eprintln!("the submit may have reached the service: look before submitting again")
        }
        (ErrorCode::NetworkError, _) if cfg!(not(feature = "tls")) => {
            eprintln!("built without the `tls` feature: an https URL needs `--features tls`");
        }
        _ => {}
    }
}
