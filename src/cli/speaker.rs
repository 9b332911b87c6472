//! `archive speaker …` on the command line: raw clap arguments, turned into a checked
//! [`Action`] for the speaker commands.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::Action;
use crate::speaker::{Edit, Field, NewSpeaker, Prefer, Text};

#[derive(Debug, Subcommand)]
pub(super) enum SpeakerArgs {
    /// List every speaker: id, name, title, and how many episodes credit them.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Print every field of a speaker and the episodes that credit them.
    Show {
        /// The speaker's id.
        id: String,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Add a speaker; without ID, the id is made from the name (`Zoë Ćosić` → `zoe-cosic`).
    Add {
        /// The id, `[a-z0-9-]+`; required for a name in another script than Latin.
        id: Option<String>,
        /// The name, in any script.
        #[arg(long)]
        name: String,
        /// Affiliation or description.
        #[arg(long)]
        title: Option<String>,
        /// A short biography.
        #[arg(long, conflicts_with = "bio_file")]
        bio: Option<String>,
        /// Read the biography from a file.
        #[arg(long, value_name = "FILE")]
        bio_file: Option<PathBuf>,
        /// Portrait: an https URL, or a file in the archive.
        #[arg(long, value_name = "URL")]
        image: Option<String>,
        /// Web page: an https URL.
        #[arg(long, value_name = "URL")]
        href: Option<String>,
        /// Podcasting 2.0 person role (default `guest`).
        #[arg(long)]
        role: Option<String>,
        /// Podcasting 2.0 person group (default: the role's group).
        #[arg(long)]
        group: Option<String>,
        /// Another spelling of the name; repeat for each.
        #[arg(long = "alias", value_name = "NAME")]
        aliases: Vec<String>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Set one field of a speaker.
    Set {
        /// The speaker's id.
        id: String,
        /// The field to set.
        field: FieldArg,
        /// The new value; for `aliases`, every alias, each one value: `"A. Name" "Other"`.
        #[arg(required_unless_present = "file", num_args = 1.., value_name = "VALUE")]
        values: Vec<String>,
        /// Read the value from a file instead (a long `bio`; for `aliases`, one a line).
        #[arg(long, value_name = "FILE", conflicts_with = "values")]
        file: Option<PathBuf>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Remove one field of a speaker (any but `name`).
    Unset {
        /// The speaker's id.
        id: String,
        /// The field to remove.
        field: FieldArg,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Change a speaker's id, in the registry and in every feed that credits them.
    Rename {
        /// The speaker's id now.
        old: String,
        /// The new id, `[a-z0-9-]+`.
        new: String,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Make two ids of one person one.
    ///
    /// FROM's credits move to INTO (one entry per episode), fields INTO lacks are taken from
    /// FROM, and FROM is removed. Values on which they disagree refuse the merge unless
    /// `--prefer` says which side wins.
    Merge {
        /// The speaker to merge away.
        from: String,
        /// The speaker to keep.
        into: String,
        /// Which value wins where FROM and INTO differ.
        #[arg(long, value_enum)]
        prefer: Option<PreferArg>,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Remove a speaker that no episode credits.
    Remove {
        /// The speaker's id.
        id: String,
        #[command(flatten)]
        lock: LockArgs,
    },
}

#[derive(Debug, clap::Args)]
pub(super) struct LockArgs {
    /// Fail at once if another `archive` process is writing to the archive.
    #[arg(long)]
    no_wait: bool,
}

/// A field of a speaker, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum FieldArg {
    Name,
    Title,
    Bio,
    Image,
    Href,
    Role,
    Group,
    Aliases,
}

impl From<FieldArg> for Field {
    fn from(field: FieldArg) -> Field {
        match field {
            FieldArg::Name => Field::Name,
            FieldArg::Title => Field::Title,
            FieldArg::Bio => Field::Bio,
            FieldArg::Image => Field::Image,
            FieldArg::Href => Field::Href,
            FieldArg::Role => Field::Role,
            FieldArg::Group => Field::Group,
            FieldArg::Aliases => Field::Aliases,
        }
    }
}

/// Which side of a merge wins, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum PreferArg {
    /// FROM's values win.
    From,
    /// INTO's values win.
    Into,
}

impl From<PreferArg> for Prefer {
    fn from(prefer: PreferArg) -> Prefer {
        match prefer {
            PreferArg::From => Prefer::From,
            PreferArg::Into => Prefer::Into,
        }
    }
}

impl SpeakerArgs {
    pub(super) fn action(self) -> Action {
        let edit = |edit, lock: LockArgs| Action::SpeakerEdit {
            edit,
            wait: !lock.no_wait,
        };
        match self {
            SpeakerArgs::List { json } => Action::SpeakerList { json },
            SpeakerArgs::Show { id, json } => Action::SpeakerShow { id, json },
            SpeakerArgs::Add {
                id,
                name,
                title,
                bio,
                bio_file,
                image,
                href,
                role,
                group,
                aliases,
                lock,
            } => {
                let new = NewSpeaker {
                    id,
                    name,
                    title,
                    bio: bio.map(Text::Inline).or(bio_file.map(Text::File)),
                    image,
                    href,
                    role,
                    group,
                    aliases,
                };
                edit(Edit::Add(new), lock)
            }
            SpeakerArgs::Set {
                id,
                field,
                values,
                file,
                lock,
            } => {
                let values = match file {
                    Some(file) => vec![Text::File(file)],
                    None => values.into_iter().map(Text::Inline).collect(),
                };
                let field = field.into();
                edit(Edit::Set { id, field, values }, lock)
            }
            SpeakerArgs::Unset { id, field, lock } => {
                let field = field.into();
                edit(Edit::Unset { id, field }, lock)
            }
            SpeakerArgs::Rename { old, new, lock } => edit(Edit::Rename { old, new }, lock),
            SpeakerArgs::Merge {
                from,
                into,
                prefer,
                lock,
            } => {
                let prefer = prefer.map(Prefer::from);
                edit(Edit::Merge { from, into, prefer }, lock)
            }
            SpeakerArgs::Remove { id, lock } => edit(Edit::Remove { id }, lock),
        }
    }
}
