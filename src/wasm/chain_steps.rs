//! A chain's steps for a durable engine (`kling-extend/workflows`), as JSON
//! values: the engine stores the progress `chain_step` answers and hands it
//! back as the `resume` option, and submits each step with the
//! `chainSubmit` task.

use super::convert;
use kling_extend_core::client::chain::{ChainPlan, Prompts};
use kling_extend_core::client::chain_progress::{key_from_hex, ChainProgress, Outcome};
use kling_extend_core::client::chain_steps;
use kling_extend_core::client::provider::Provider;
use kling_extend_core::providers::ClientConfig;
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::json::Value;

/// `[videoId, prompts, options, key, job]`: the chain's progress after the
/// step in flight ended with `job` (`null` at the start), with the next step
/// in flight. `key` is the chain's 32 hex digits, `options.resume` the
/// progress stored before.
pub fn chain_step(args: &str) -> Result<Value> {
    let [video_id, prompts, options, key, job] = convert::args(args)?;
    let key =
        key.as_str().and_then(key_from_hex).ok_or_else(|| Error::invalid("key", "must be 32 hexadecimal digits"))?;
    let config = ClientConfig::from_value(&options, false)?;
    let (prompts, mut progress) = chain(&video_id, &prompts, &options, &config, key)?;
    let outcome = match job {
        Value::Null => None,
        job => Some(Outcome::from_value(&job)?),
    };
    chain_steps::record_step(&prompts, &mut progress, outcome, &config)?;
    Ok(progress.into())
}

/// The prompts and the progress (`options.resume`, else a new one with
/// `key`) of the chain these arguments name, each checked.
pub fn chain(
    video_id: &Value,
    prompts: &Value,
    options: &Value,
    config: &ClientConfig,
    key: [u8; 16],
) -> Result<(Prompts, ChainProgress)> {
    let provider = config.provider.name();
    Ok(ChainPlan::from_values(video_id, prompts, options, provider)?.into_parts(provider, key))
}
