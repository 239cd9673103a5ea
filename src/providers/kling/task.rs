//! Kling's task document (poll answers and callbacks) → the contract's `Job`.

use super::super::common::{number, required_str, videos};
use crate::core::client::classify::clean;
use crate::core::types::job::{Charge, Job, Status, Submission};
use crate::core::types::json::Value;
use crate::core::types::provider::ProviderName;

const MODEL: &str = "kling-extend-video";

/// `data` of a task answer; `raw` is the whole document as received.
pub fn job(data: &Value, raw: Value) -> Result<Job, &'static str> {
    let id = required_str(data, "task_id", "a task without task_id")?;
    let status = required_str(data, "task_status", "a task without task_status")?;
    Ok(Job {
        id: id.to_owned(),
        model: MODEL.to_owned(),
        status: Status::from_wire(status),
        output: videos(data.get("task_result").and_then(|r| r.get("videos")))?,
        charged: data.get("final_unit_deduction").and_then(number).map(Charge::Units),
        error: data.get("task_status_msg").and_then(Value::as_str).map(clean).filter(|m| !m.is_empty()),
        raw,
    })
}

/// `data` of a submit answer (or of a task found by its external id).
pub fn submission(data: &Value, request_id: Option<String>) -> Result<Submission, &'static str> {
    let id = required_str(data, "task_id", "a task without task_id")?;
    Ok(Submission {
        job_id: id.to_owned(),
        status: data.get("task_status").and_then(Value::as_str).map_or(Status::Queued, Status::from_wire),
        provider: ProviderName::Kling,
        request_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::json::parse;

    #[test]
    fn maps_a_finished_task() {
        let raw = parse(
            br#"{"code":0,"data":{"task_id":"t1","task_status":"succeed","final_unit_deduction":"1",
                "task_result":{"videos":[{"id":"v2","url":"https://cdn.test/v2.mp4","duration":"10.1"}]}}}"#,
        )
        .unwrap();
        let job = job(raw.get("data").unwrap(), raw.clone()).unwrap();
        assert_eq!((job.id.as_str(), job.status, job.charged), ("t1", Status::Succeeded, Some(Charge::Units(1.0))));
        let video = &job.output.as_ref().unwrap().outputs[0];
        assert_eq!((video.id.as_deref(), video.duration), (Some("v2"), Some(10.1)));
        assert_eq!(job.raw, raw);
    }

    #[test]
    fn maps_the_other_statuses_and_the_failure_reason() {
        for (word, status) in
            [("submitted", Status::Queued), ("processing", Status::Running), ("failed", Status::Failed)]
        {
            let data = parse(format!(r#"{{"task_id":"t","task_status":"{word}","task_status_msg":"why"}}"#).as_bytes())
                .unwrap();
            let job = job(&data, Value::Null).unwrap();
            assert_eq!((job.status, job.error.as_deref()), (status, Some("why")));
        }
        assert!(job(&parse(br#"{"task_status":"succeed"}"#).unwrap(), Value::Null).is_err());
    }
}
