//! Properties of the parsers that take outside input, over generated text: event names and
//! patterns, webhook URLs, retry schedules. Each never panics, gives back what it parsed when
//! printed and parsed again, and refuses the known-bad classes. (Filters have their own, in
//! `filter/prop_tests.rs`.)

use super::*;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Valid event names: dot-joined segments of letters, digits, `_` and `-`.
const NAME: &str = "[A-Za-z0-9_-]{1,12}(\\.[A-Za-z0-9_-]{1,12}){0,4}";

/// Text near the syntax of names: its characters and its mistakes.
fn name_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-c.*_ -]{0,12}",
        "[a-z.]{0,6}[^A-Za-z0-9_.-][a-z.]{0,6}",
        ".{0,20}",
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Any text: a name, a pattern or an error, never a panic; and a name is always a valid
    /// exact pattern that matches itself.
    #[test]
    fn event_names_and_patterns_never_panic(text in name_like()) {
        if let Ok(name) = EventName::parse(&text) {
            let pattern = EventPattern::parse(&text).expect("a name is a pattern");
            prop_assert!(pattern.matches(name.as_str()));
        }
        let _ = EventPattern::parse(&text);
    }

    /// A name prints as itself and parses back to the same name.
    #[test]
    fn event_names_print_and_parse_back(text in NAME) {
        prop_assume!(text.len() <= MAX_EVENT_NAME_LEN);
        let name = EventName::parse(&text).expect("generated names are valid");
        prop_assert_eq!(name.to_string(), text.clone());
        prop_assert_eq!(EventName::parse(&name.to_string()), Ok(name));
    }

    /// A pattern prints as it was written and parses back to the same pattern; a prefix
    /// pattern matches every name under its prefix and not the prefix itself.
    #[test]
    fn event_patterns_print_parse_back_and_match_below_their_prefix(
        prefix in NAME, rest in NAME
    ) {
        prop_assume!(prefix.len() + rest.len() < MAX_EVENT_NAME_LEN);
        for text in ["*".to_owned(), prefix.clone(), format!("{prefix}.*")] {
            let pattern = EventPattern::parse(&text).expect("generated patterns are valid");
            prop_assert_eq!(pattern.to_string(), text.clone());
            prop_assert_eq!(EventPattern::parse(&pattern.to_string()), Ok(pattern));
        }
        let below = EventPattern::parse(&format!("{prefix}.*")).expect("valid");
        let under = format!("{prefix}.{rest}");
        let glued = format!("{prefix}{rest}");
        prop_assert!(below.matches(&under));
        prop_assert!(!below.matches(&prefix));
        prop_assert!(!below.matches(&glued));
    }

    /// Known-bad names are refused: empty segments, a wildcard, a character outside the
    /// segment alphabet, over 255 characters.
    #[test]
    fn bad_event_names_are_refused(a in NAME, b in NAME, bad in "[^A-Za-z0-9_.*-]") {
        for text in [
            format!("{a}..{b}"),
            format!(".{a}"),
            format!("{a}."),
            format!("{a}.*"),
            format!("{a}{bad}{b}"),
            format!("{a}.{}", "x".repeat(MAX_EVENT_NAME_LEN)),
        ] {
            prop_assert!(EventName::parse(&text).is_err(), "{}", text);
        }
        for text in [format!("*.{a}"), format!("{a}.*.{b}"), format!("{a}*"), format!("{a}{bad}.*")] {
            prop_assert!(EventPattern::parse(&text).is_err(), "{}", text);
        }
    }

    /// Any text: a URL or an error, never a panic. A URL prints in its normal form, which
    /// parses back to the same URL.
    #[test]
    fn webhook_urls_never_panic_and_parse_back(
        text in prop_oneof![
            ".{0,60}",
            "(https?|ftp|file|javascript)://[a-z0-9.@:%\\[\\]-]{0,20}(/[ -~]{0,20})?(#[a-z]{0,3})?",
        ]
    ) {
        if let Ok(url) = WebhookUrl::parse(&text) {
            let again = WebhookUrl::parse(url.as_str()).expect("a parsed URL parses again");
            prop_assert_eq!(again.as_str(), url.as_str());
            prop_assert!(url.as_str().starts_with("http://") || url.as_str().starts_with("https://"));
            prop_assert!(!url.host().is_empty());
        }
    }

    /// Known-bad URLs are refused: another scheme, a user name or password, a fragment, no
    /// host, over 2048 characters.
    #[test]
    fn bad_webhook_urls_are_refused(
        host in "[a-z]{1,10}(\\.[a-z]{2,5})?", path in "(/[a-z0-9]{0,8}){0,3}", user in "[a-z]{1,6}"
    ) {
        let good = format!("https://{host}{path}");
        prop_assert!(WebhookUrl::parse(&good).is_ok(), "{}", good);
        for text in [
            format!("ftp://{host}{path}"),
            format!("file://{host}{path}"),
            format!("https://{user}@{host}{path}"),
            format!("https://{user}:pw@{host}{path}"),
            format!("https://{host}{path}#top"),
            format!("https://:443{path}"),
            format!("{host}{path}"),
            format!("https://{host}/{}", "a".repeat(MAX_URL_LEN)),
        ] {
            prop_assert!(WebhookUrl::parse(&text).is_err(), "{}", text);
        }
    }

    /// Any items: a schedule or an error naming an item, never a panic.
    #[test]
    fn retry_schedules_never_panic(items in prop::collection::vec(".{0,8}", 0..25)) {
        match RetrySchedule::parse(&items) {
            Ok(schedule) => prop_assert_eq!(schedule.len(), items.len()),
            Err((index, _)) => prop_assert!(index < items.len().max(1)),
        }
        let _ = RetrySchedule::parse_list(&items.join(","));
        let _ = RetrySchedule::from_stored(&items);
    }

    /// A schedule of delays from 1s to 7d keeps each item's text, gives each delay its value,
    /// and parses back from its texts, as items or as the comma-separated setting.
    #[test]
    fn retry_schedules_print_and_parse_back(
        delays in prop::collection::vec((1u64..=60, prop::sample::select(vec![("s", 1u64), ("m", 60), ("h", 3600), ("d", 86_400)])), 0..=MAX_RETRIES)
    ) {
        let items: Vec<String> = delays
            .iter()
            .filter(|(n, (_, unit))| n * unit <= MAX_DELAY.as_secs())
            .map(|(n, (letter, _))| format!("{n}{letter}"))
            .collect();
        let schedule = RetrySchedule::parse(&items).expect("in range");
        prop_assert_eq!(schedule.texts(), items.as_slice());
        for (i, item) in items.iter().enumerate() {
            let (digits, unit) = item.split_at(item.len() - 1);
            let seconds = digits.parse::<u64>().unwrap()
                * match unit { "s" => 1, "m" => 60, "h" => 3600, _ => 86_400 };
            prop_assert_eq!(
                schedule.delay_after(i as u32 + 1),
                Some(std::time::Duration::from_secs(seconds))
            );
        }
        prop_assert_eq!(RetrySchedule::parse(schedule.texts()), Ok(schedule.clone()));
        prop_assert_eq!(RetrySchedule::parse_list(&items.join(",")), Ok(schedule));
    }

    /// Known-bad delays are refused, naming their item: two in one, spelled out, fractional,
    /// unit-less, an unknown unit, out of range.
    #[test]
    fn bad_delays_are_refused_by_position(n in 1u64..60, unit in "[a-z&&[^smhd]]", before in 0usize..5) {
        for bad in [
            format!("{n}m {n}s"),
            format!("{n} minutes"),
            format!("{n}.5m"),
            format!("{n}"),
            format!("{n}{unit}"),
            format!("{n}M"),
            "0s".to_owned(),
            format!("{}d", 7 + n),
        ] {
            let mut items = vec!["1m".to_owned(); before];
            items.push(bad.clone());
            prop_assert!(matches!(RetrySchedule::parse(&items), Err((i, _)) if i == before), "{}", bad);
        }
    }
}
