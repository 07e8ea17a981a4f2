//! The figures a benchmark run produced, each with its target, its ratio to raw and whether it
//! passed; printed as a table or as JSON.

use serde::Serialize;

/// What a figure should reach.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Goal {
    AtLeast(f64),
    AtMost(f64),
    /// At least this share of the raw rate.
    ShareOfRaw(f64),
    /// Reported, not judged.
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub scenario: &'static str,
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    pub goal: Goal,
    /// For rates, the value over the raw rate; for a CPU cost, over a raw request's CPU.
    pub ratio_to_raw: Option<f64>,
    pub pass: Option<bool>,
}

impl Figure {
    pub fn new(
        scenario: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: &'static str,
        goal: Goal,
    ) -> Self {
        Self {
            scenario,
            name: name.into(),
            value,
            unit,
            goal,
            ratio_to_raw: None,
            pass: None,
        }
    }

    /// A rate: its ratio to `raw` is reported.
    pub fn rate(
        scenario: &'static str,
        name: impl Into<String>,
        value: f64,
        goal: Goal,
        raw: f64,
    ) -> Self {
        let mut figure = Self::new(scenario, name, value, "/s", goal);
        figure.ratio_to_raw = (raw > 0.0).then(|| value / raw);
        figure
    }

    /// A count that must be zero (lost or duplicated deliveries, bad signatures).
    pub fn must_be_zero(scenario: &'static str, name: impl Into<String>, value: u64) -> Self {
        Self::new(scenario, name, value as f64, "", Goal::AtMost(0.0))
    }

    fn judged(mut self) -> Self {
        self.pass = match self.goal {
            Goal::AtLeast(t) => Some(self.value >= t),
            Goal::AtMost(t) => Some(self.value <= t),
            Goal::ShareOfRaw(t) => self.ratio_to_raw.map(|r| r >= t),
            Goal::None => None,
        };
        self
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub machine: String,
    pub backend: String,
    pub figures: Vec<Figure>,
}

impl Report {
    pub fn add(&mut self, figure: Figure) {
        let figure = figure.judged();
        eprintln!("  {:<46} {}", figure.name, describe(&figure));
        self.figures.push(figure);
    }

    /// The CPU (µs) of one raw request, load and receiver together, once `raw` has run.
    pub fn raw_cost(&self) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.scenario == "raw" && f.unit == "µs")
            .map(|f| f.value)
    }

    pub fn passed(&self) -> bool {
        self.figures.iter().all(|f| f.pass != Some(false))
    }

    pub fn table(&self) -> String {
        let mut out = format!("hookd bench on {} ({})\n\n", self.backend, self.machine);
        out.push_str("| scenario | figure | value | target | vs raw | |\n| --- | --- | --- | --- | --- | --- |\n");
        for f in &self.figures {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                f.scenario,
                f.name,
                number(f.value, f.unit),
                goal(f),
                f.ratio_to_raw.map(|r| ratio(r, f.unit)).unwrap_or_default(),
                match f.pass {
                    Some(true) => "pass",
                    Some(false) => "short",
                    None => "",
                }
            ));
        }
        out
    }
}

/// A rate as a share of raw's; a cost (CPU per request) as a multiple of a raw request's.
fn ratio(ratio: f64, unit: &str) -> String {
    if unit == "/s" {
        format!("{:.0}%", ratio * 100.0)
    } else {
        format!("{ratio:.1}×")
    }
}

fn describe(f: &Figure) -> String {
    let verdict = match f.pass {
        Some(true) => "pass",
        Some(false) => "SHORT",
        None => "",
    };
    format!("{} (target {}) {verdict}", number(f.value, f.unit), goal(f))
}

fn goal(f: &Figure) -> String {
    match f.goal {
        Goal::AtLeast(t) => format!("≥ {}", number(t, f.unit)),
        Goal::AtMost(t) => format!("≤ {}", number(t, f.unit)),
        Goal::ShareOfRaw(t) => format!("≥ {:.0}% of raw", t * 100.0),
        Goal::None => "—".into(),
    }
}

fn number(value: f64, unit: &str) -> String {
    let digits = if value >= 100.0 || value == value.trunc() {
        0
    } else {
        1
    };
    let mut text = format!("{value:.digits$}");
    if digits == 0 && value >= 10_000.0 {
        // Thousands separators, for rates.
        let raw = text.clone();
        let bytes = raw.as_bytes();
        text = String::new();
        for (i, c) in bytes.iter().enumerate() {
            if i > 0 && (bytes.len() - i) % 3 == 0 {
                text.push(',');
            }
            text.push(*c as char);
        }
    }
    format!(
        "{text}{}{unit}",
        if unit.is_empty() || unit.starts_with('/') {
            ""
        } else {
            " "
        }
    )
}
