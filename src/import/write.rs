//! Writing an import into the catalog as readable, commented TOML: the event and the new
//! episodes appended to `feeds/<feed>.toml` (created if needed), new speakers to
//! `feeds/speakers.toml`. Everything already there stays as it is.

use std::fmt::Write as _;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value, value};

use super::plan::{Plan, Status};
use super::{ImportError, ImportOptions};
use crate::edit::CatalogEdit;

/// Adds what `plan` found to the documents of `edit`.
pub fn apply(
    edit: &mut CatalogEdit,
    options: &ImportOptions,
    plan: &Plan,
) -> Result<(), ImportError> {
    let exists = edit.catalog().feed(&options.feed).is_some();
    let document = &mut edit.feed_file_mut(&options.feed).document;
    if !exists {
        let public_url = options
            .public_url
            .as_ref()
            .ok_or_else(|| ImportError::NoPublicUrl(options.feed.clone()))?;
        new_feed(document, plan, public_url.as_str());
    }
    if !plan.event.exists {
        append(document, "event", event_table(plan));
    }
    for row in &plan.rows {
        let (Status::New(id), Some(speaker), Some(recording)) =
            (&row.status, &row.speaker_id, &row.recording)
        else {
            continue;
        };
        let mut episode = Table::new();
        episode["id"] = value(id.as_str());
        episode["title"] = value(plan.episode_title(row));
        episode["event"] = value(plan.event.id.as_str());
        episode["speakers"] = value(Array::from_iter([speaker.as_str()]));
        episode["audio"] = value(recording.as_str());
        episode["excerpt"] = Item::Value(multiline(&row.excerpt));
        episode
            .decor_mut()
            .set_prefix(format!("\n# Imported from {}\n", plan.source));
        append(document, "episode", episode);
    }
    let registry = &mut edit.speakers_mut().document;
    // A registry that is only comments keeps them on top, above the first speaker.
    let mut heading = if registry.is_empty() {
        take_trailing(registry)
    } else {
        String::new()
    };
    for speaker in &plan.new_speakers {
        let speakers = registry
            .entry("speakers")
            .or_insert_with(|| {
                let mut table = Table::new();
                table.set_implicit(true);
                Item::Table(table)
            })
            .as_table_mut()
            .ok_or_else(|| {
                ImportError::NotAPage("feeds/speakers.toml: `speakers` is not a table".into())
            })?;
        let mut table = Table::new();
        table["name"] = value(speaker.name.as_str());
        if let Some(alias) = &speaker.alias {
            table["aliases"] = value(Array::from_iter([alias.as_str()]));
        }
        let note = format!("\n# Added by `archive import` from {}\n", plan.source);
        table
            .decor_mut()
            .set_prefix(format!("{}{note}", std::mem::take(&mut heading)));
        speakers.insert(speaker.id.as_str(), Item::Table(table));
    }
    Ok(())
}

fn new_feed(document: &mut DocumentMut, plan: &Plan, public_url: &str) {
    let mut feed = Table::new();
    feed["title"] = value(
        plan.site
            .clone()
            .unwrap_or_else(|| plan.event.title.clone()),
    );
    let description = plan
        .event
        .summary
        .split("\n\n")
        .next()
        .filter(|first| !first.trim().is_empty())
        .map_or_else(
            || format!("Speeches from {}.", plan.event.title),
            str::to_owned,
        );
    feed["description"] = value(description);
    feed["language"] = value(plan.language.clone().unwrap_or_else(|| "en".into()));
    feed["public_url"] = value(public_url);
    feed.decor_mut().set_prefix(format!(
        "# Created by `archive import` from {}\n",
        plan.source
    ));
    document.insert("feed", Item::Table(feed));
}

fn event_table(plan: &Plan) -> Table {
    let event = &plan.event;
    let mut table = Table::new();
    table["id"] = value(event.id.as_str());
    table["title"] = value(event.title.as_str());
    let date: toml_edit::Datetime = event
        .date
        .format("%Y-%m-%d")
        .to_string()
        .parse()
        .expect("a date");
    table["date"] = value(date);
    if let Some(link) = &event.link {
        table["link"] = value(link.as_str());
    }
    if !event.summary.trim().is_empty() {
        table["summary"] = Item::Value(multiline(&event.summary));
    }
    table
        .decor_mut()
        .set_prefix(format!("\n# Imported from {}\n", plan.source));
    table
}

/// The comments of a document without tables, removed from its end.
fn take_trailing(document: &mut DocumentMut) -> String {
    let trailing = document
        .trailing()
        .as_str()
        .unwrap_or_default()
        .trim_end()
        .to_owned();
    document.set_trailing("");
    trailing
}

fn append(document: &mut DocumentMut, key: &str, table: Table) {
    let item = document
        .entry(key)
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    if let Some(array) = item.as_array_of_tables_mut() {
        array.push(table);
    }
}

/// A TOML multi-line basic string (`"""…"""`), readable in the file.
fn multiline(text: &str) -> Value {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            // A quote before another, or before the closing `"""`, is escaped: no `"""` inside.
            '"' if matches!(chars.peek(), Some('"') | None) => escaped.push_str("\\\""),
            '\n' | '\t' => escaped.push(c),
            c if c.is_control() => {
                let _ = write!(escaped, "\\u{:04X}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    format!("\"\"\"\n{escaped}\"\"\"")
        .parse()
        .unwrap_or_else(|_| Value::from(text))
}
