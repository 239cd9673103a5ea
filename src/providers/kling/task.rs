//! Kling's task document (poll answers and callbacks) → the contract's `Job`.

use super::super::common::{number, required_str, videos};
use crate::core::client::classify::clean;
use crate::core::types::job::{Charge, Job, Money, Status, Submission};
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
        // The balance deducted (`quota`), in the account's currency, which the document does not name.
        money_charged: data
            .get("final_balance_deduction")
            .and_then(|deduction| deduction.get("quota"))
            .and_then(number)
            .map(|amount| Money { amount, currency: None }),
        error: data.get("task_status_msg").and_then(Value::as_str).map(clean).filter(|m| !m.is_empty()),
        raw,
        webhook: None,
    })
}

/// Kling's newer callback document, `{ id, status, outputs, billing, message,
/// … }`, which its console's "Send Test Callback" posts too (with `outputs`
/// empty). `billing` entries of `charge_type` "unit" are the units charged.
pub fn newer_job(doc: &Value, raw: Value) -> Result<Job, &'static str> {
    let id = required_str(doc, "id", "a callback without id")?;
    let status = required_str(doc, "status", "a callback without status")?;
    let outputs = doc.get("outputs").filter(|o| o.as_array().is_none_or(|list| !list.is_empty()));
    let billing = doc.get("billing").and_then(Value::as_array).unwrap_or_default();
    let of_type = |kind: &'static str| {
        let entries =
            billing.iter().filter(move |entry| entry.get("charge_type").and_then(Value::as_str) == Some(kind));
        entries.filter_map(|entry| Some((entry.get("amount").and_then(number)?, entry.get("currency"))))
    };
    let units = of_type("unit").map(|(amount, _)| amount).reduce(|a, b| a + b);
    let money = of_type("cash")
        .reduce(|(a, currency), (b, _)| (a + b, currency))
        .map(|(amount, currency)| Money { amount, currency: currency.and_then(Value::as_str).map(str::to_owned) });
    Ok(Job {
        id: id.to_owned(),
        model: MODEL.to_owned(),
        status: Status::from_wire(status),
        output: videos(outputs)?,
        charged: units.map(Charge::Units),
        money_charged: money,
        error: doc.get("message").and_then(Value::as_str).map(clean).filter(|m| !m.is_empty()),
        raw,
        webhook: None,
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
    fn the_newer_callback_and_the_consoles_test_callback_are_jobs() {
        let test =
            parse(br#"{"id":"task_1","status":"submitted","outputs":[],"message":"","create_time":1,"update_time":1}"#);
        let job = newer_job(test.as_ref().unwrap(), Value::Null).unwrap();
        assert_eq!((job.id.as_str(), job.status, &job.output, job.charged), ("task_1", Status::Queued, &None, None));
        let done = parse(
            br#"{"id":"task_2","status":"succeeded","message":"","external_id":"e",
                "outputs":[{"type":"video","id":"vid_9","url":"https://cdn.test/v.mp4","duration":"10.1"}],
                "billing":[{"charge_type":"unit","amount":"3.5","package_type":"video"},{"charge_type":"cash","amount":"0.49","currency":"USD"}]}"#,
        )
        .unwrap();
        let job = newer_job(&done, Value::Null).unwrap();
        assert_eq!((job.status, job.charged), (Status::Succeeded, Some(Charge::Units(3.5))));
        assert_eq!(job.money_charged, Some(Money { amount: 0.49, currency: Some("USD".into()) }));
        let video = &job.output.unwrap().outputs[0];
        assert_eq!((video.id.as_deref(), video.duration), (Some("vid_9"), Some(10.1)));
        let failed = parse(br#"{"id":"t","status":"failed","message":"content policy"}"#).unwrap();
        assert_eq!(newer_job(&failed, Value::Null).unwrap().error.as_deref(), Some("content policy"));
    }

    #[test]
    fn maps_a_finished_task() {
        let raw = parse(
            br#"{"code":0,"data":{"task_id":"t1","task_status":"succeed","final_unit_deduction":"1",
                "final_balance_deduction":{"quota":"0.14","list_price":"0.14"},
                "task_result":{"videos":[{"id":"v2","url":"https://cdn.test/v2.mp4","duration":"10.1"}]}}}"#,
        )
        .unwrap();
        let job = job(raw.get("data").unwrap(), raw.clone()).unwrap();
        assert_eq!((job.id.as_str(), job.status, job.charged), ("t1", Status::Succeeded, Some(Charge::Units(1.0))));
        assert_eq!(job.money_charged, Some(Money { amount: 0.14, currency: None }));
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
