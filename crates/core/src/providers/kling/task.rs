//! Kling's task document (poll answers and callbacks) → the contract's `Job`.

use super::super::common::{VIDEO, number, required_str, videos};
use crate::types::job::{Charge, Job, MODEL, Money, Raw, Status, Submission};
use crate::types::json::{Keep, Value};
use crate::types::provider::ProviderName;

/// What `job` and `submission` read of a task document.
pub const TASK: Keep = Keep::Members(&[
    ("task_id", Keep::All),
    ("task_status", Keep::All),
    ("task_status_msg", Keep::All),
    ("task_info", Keep::Members(&[("external_task_id", Keep::All)])),
    ("task_result", Keep::Members(&[("videos", Keep::Items(&VIDEO))])),
    ("final_unit_deduction", Keep::All),
    ("final_balance_deduction", Keep::Members(&[("quota", Keep::All)])),
]);

/// What `newer_job` reads of a `billing` entry.
pub const BILLING: Keep = Keep::Members(&[
    ("amount", Keep::All),
    ("charge_type", Keep::All),
    ("cash_type", Keep::All),
    ("currency", Keep::All),
]);

/// `data` of a task answer; `raw` is the whole document as received.
pub fn job(data: &Value, raw: Raw) -> Result<Job, &'static str> {
    let id = required_str(data, "task_id", "a task without task_id")?;
    let status = required_str(data, "task_status", "a task without task_status")?;
    Ok(Job {
        id: id.to_owned(),
        model: MODEL.to_owned(),
        status: Status::from_wire(status),
        output: videos(data.get("task_result").and_then(|r| r.get("videos")), false)?,
        charged: data.get("final_unit_deduction").and_then(number).map(Charge::Units),
        // The balance deducted (`quota`), in the account's currency, which the document does not name.
        money_charged: data
            .get("final_balance_deduction")
            .and_then(|deduction| deduction.get("quota"))
            .and_then(number)
            .map(|amount| Money { amount, currency: None }),
        error: reason(data.get("task_status_msg")),
        raw,
        webhook: None,
    })
}

/// Kling's newer callback document, `{ id, status, outputs, billing, message,
/// … }`, which its console's "Send Test Callback" posts too (with `outputs`
/// empty). Only its `video` outputs are the job's; without one, it has none.
pub fn newer_job(doc: &Value, raw: Raw) -> Result<Job, &'static str> {
    let id = required_str(doc, "id", "a callback without id")?;
    let status = required_str(doc, "status", "a callback without status")?;
    let (units, money) = billing(doc.get("billing").and_then(Value::as_array).unwrap_or_default());
    Ok(Job {
        id: id.to_owned(),
        model: MODEL.to_owned(),
        status: Status::from_wire(status),
        output: videos(doc.get("outputs"), true)?.filter(|output| !output.outputs.is_empty()),
        charged: units.map(Charge::Units),
        money_charged: money,
        error: reason(doc.get("message")),
        raw,
        webhook: None,
    })
}

/// What a newer document's `billing` entries charged: the `amount`s of
/// `unit` entries are resource-pack units (whatever their `package_type`);
/// those of `cash` entries are money, counted only from the account's own
/// balance (`cash_type` "balance", or none given; a "test_balance" is not
/// money paid), and only while they name one currency, which sums cannot mix.
/// A failure's reason as Kling sent it (its data: a message quoting it
/// cleans and bounds it); none when empty or blank.
fn reason(text: Option<&Value>) -> Option<String> {
    text.and_then(Value::as_str).filter(|text| !text.trim().is_empty()).map(str::to_owned)
}

fn billing(entries: &[Value]) -> (Option<f64>, Option<Money>) {
    let (mut units, mut money, mut mixed) = (None::<f64>, None::<Money>, false);
    for entry in entries {
        let (Some(amount), Some(kind)) = (entry.get("amount").and_then(number), entry.get("charge_type")) else {
            continue;
        };
        let cash_type = entry.get("cash_type").and_then(Value::as_str);
        let currency = entry.get("currency").and_then(Value::as_str);
        match kind.as_str() {
            Some("unit") => *units.get_or_insert(0.0) += amount,
            Some("cash") if matches!(cash_type, None | Some("balance")) => match &mut money {
                None => money = Some(Money { amount, currency: currency.map(str::to_owned) }),
                Some(sum) if sum.currency.as_deref() == currency => sum.amount += amount,
                Some(_) => mixed = true,
            },
            _ => {}
        }
    }
    (units, money.filter(|_| !mixed))
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
    use crate::types::json::parse;

    #[test]
    fn the_newer_callback_and_the_consoles_test_callback_are_jobs() {
        let test =
            parse(br#"{"id":"task_1","status":"submitted","outputs":[],"message":"","create_time":1,"update_time":1}"#);
        let job = newer_job(test.as_ref().unwrap(), Raw::default()).unwrap();
        assert_eq!((job.id.as_str(), job.status, &job.output, job.charged), ("task_1", Status::Queued, &None, None));
        let done = parse(
            br#"{"id":"task_2","status":"succeeded","message":"","external_id":"e",
                "outputs":[{"type":"video","id":"vid_9","url":"https://cdn.test/v.mp4","duration":"10.1"}],
                "billing":[{"charge_type":"unit","amount":"3.5","package_type":"video"},{"charge_type":"cash","amount":"0.49","currency":"USD"}]}"#,
        )
        .unwrap();
        let job = newer_job(&done, Raw::default()).unwrap();
        assert_eq!((job.status, job.charged), (Status::Succeeded, Some(Charge::Units(3.5))));
        assert_eq!(job.money_charged, Some(Money { amount: 0.49, currency: Some("USD".into()) }));
        let video = &job.output.unwrap().outputs[0];
        assert_eq!((video.id.as_deref(), video.duration), (Some("vid_9"), Some(10.1)));
        let failed = parse(br#"{"id":"t","status":"failed","message":"content policy"}"#).unwrap();
        assert_eq!(newer_job(&failed, Raw::default()).unwrap().error.as_deref(), Some("content policy"));
    }

    fn newer(text: &str) -> Job {
        newer_job(&parse(text.as_bytes()).unwrap(), Raw::default()).unwrap()
    }

    #[test]
    fn of_every_documented_output_type_only_the_videos_are_the_jobs() {
        let job = newer(
            r#"{"id":"t","status":"succeeded","outputs":[
                {"type":"image","url":"https://cdn.test/i.png"},
                {"type":"audio","id":"a1","mp3_url":"https://cdn.test/a.mp3","wav_url":"https://cdn.test/a.wav"},
                {"type":"video","id":"v1","url":"https://cdn.test/v.mp4","watermark_url":"https://cdn.test/w.mp4","duration":"10"},
                {"type":"element","id":"e1"},{"type":"voice","id":"vo1"},{"type":"hologram","url":"h"},
                {"url":"https://cdn.test/untyped.mp4"},"text",{"type":"video","id":"v2","url":"https://cdn.test/v2.mp4"}]}"#,
        );
        let ids: Vec<_> = job.output.unwrap().outputs.into_iter().map(|v| (v.id.unwrap(), v.url, v.kind)).collect();
        assert_eq!(
            ids,
            [
                ("v1".into(), "https://cdn.test/v.mp4".into(), "video"),
                ("v2".into(), "https://cdn.test/v2.mp4".into(), "video")
            ]
        );
        let audio =
            newer(r#"{"id":"t","status":"succeeded","outputs":[{"type":"audio","mp3_url":"m","wav_url":"w"}]}"#);
        assert_eq!((audio.status, audio.output), (Status::Succeeded, None), "no video: no output, and no failure");
        let image =
            newer(r#"{"id":"t","status":"succeeded","outputs":[{"type":"image","url":"https://cdn.test/i.png"}]}"#);
        assert_eq!(image.output, None, "an image is not reported as a video");
        let bad = parse(br#"{"id":"t","status":"succeeded","outputs":[{"type":"video","id":"v"}]}"#).unwrap();
        assert_eq!(newer_job(&bad, Raw::default()).err(), Some("a video without a url"));
    }

    #[test]
    fn billing_counts_units_and_money_from_the_real_balance_in_one_currency() {
        let charged = |billing: &str| {
            let job = newer(&format!(r#"{{"id":"t","status":"succeeded","billing":{billing}}}"#));
            (job.charged, job.money_charged)
        };
        let usd = |amount| Some(Money { amount, currency: Some("USD".into()) });
        assert_eq!(
            charged(
                r#"[{"charge_type":"unit","amount":"1","package_type":"video"},{"charge_type":"unit","amount":2.5,"package_type":"video_pro"},
                    {"charge_type":"cash","cash_type":"balance","amount":"0.14","currency":"USD","list_price":"0.14"},
                    {"charge_type":"cash","amount":0.35,"currency":"USD","list_price":"0.35"}]"#
            ),
            (Some(Charge::Units(3.5)), usd(0.49))
        );
        let test_balance = r#"[{"charge_type":"cash","cash_type":"test_balance","amount":"0.49","currency":"USD"}]"#;
        assert_eq!(charged(test_balance), (None, None), "a test balance is not money paid");
        let mixed = r#"[{"charge_type":"cash","cash_type":"balance","amount":"1","currency":"USD"},
            {"charge_type":"cash","cash_type":"balance","amount":"7","currency":"CNY"},{"charge_type":"unit","amount":"1"}]"#;
        assert_eq!(charged(mixed), (Some(Charge::Units(1.0)), None), "two currencies cannot be added; units still are");
        let odd = r#"[{"charge_type":"unit"},{"amount":"3"},{"charge_type":"refund","amount":"3"},{"charge_type":"cash","cash_type":"coupon","amount":"1"},7,
            {"charge_type":"unit","amount":"1","currency":"USD","note":"unknown members are fine"}]"#;
        assert_eq!(charged(odd), (Some(Charge::Units(1.0)), None), "what is not a documented charge is left in raw");
        assert_eq!(charged(r#"{"charge_type":"unit","amount":1}"#), (None, None), "billing that is not a list");
    }

    #[test]
    fn maps_a_finished_task() {
        let raw = parse(
            br#"{"code":0,"data":{"task_id":"t1","task_status":"succeed","final_unit_deduction":"1",
                "final_balance_deduction":{"quota":"0.14","list_price":"0.14"},
                "task_result":{"videos":[{"id":"v2","url":"https://cdn.test/v2.mp4","duration":"10.1"}]}}}"#,
        )
        .unwrap();
        let job = job(raw.get("data").unwrap(), Raw::Value(raw.clone())).unwrap();
        assert_eq!((job.id.as_str(), job.status, job.charged), ("t1", Status::Succeeded, Some(Charge::Units(1.0))));
        assert_eq!(job.money_charged, Some(Money { amount: 0.14, currency: None }));
        let video = &job.output.as_ref().unwrap().outputs[0];
        assert_eq!((video.id.as_deref(), video.duration), (Some("v2"), Some(10.1)));
        assert_eq!(job.raw, Raw::Value(raw));
    }

    #[test]
    fn maps_the_other_statuses_and_the_failure_reason() {
        for (word, status) in
            [("submitted", Status::Queued), ("processing", Status::Running), ("failed", Status::Failed)]
        {
            let data = parse(format!(r#"{{"task_id":"t","task_status":"{word}","task_status_msg":"why"}}"#).as_bytes())
                .unwrap();
            let job = job(&data, Raw::default()).unwrap();
            assert_eq!((job.status, job.error.as_deref()), (status, Some("why")));
        }
        assert!(job(&parse(br#"{"task_status":"succeed"}"#).unwrap(), Raw::default()).is_err());
    }
}
