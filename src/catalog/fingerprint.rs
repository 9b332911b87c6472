//! `Hash` for the checked catalog, so the build can tell which outputs an edit changes.
//!
//! Every field that can reach a feed or a page is hashed; the line numbers a table was found
//! at are not, so that adding a line above an episode does not rebuild it. Each impl takes
//! its struct apart without `..`: a field added later does not compile until it is either
//! hashed here or deliberately left out.

use std::hash::{Hash, Hasher};

use super::model::{Category, Channel, Episode, Event, Owner, Soundbite, Speaker};

impl Hash for Speaker {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Speaker {
            id,
            name,
            title,
            bio,
            image,
            href,
            role,
            group,
            aliases,
            feed,
            line: _,
        } = self;
        (
            id, name, title, bio, image, href, role, group, aliases, feed,
        )
            .hash(state);
    }
}

impl Hash for Channel {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Channel {
            title,
            description,
            language,
            public_url,
            author,
            owner,
            image,
            categories,
            explicit,
            link,
            locked,
            persons,
            limit,
            rendition,
            recheck: _,
            line: _,
        } = self;
        (title, description, language, public_url, author, owner).hash(state);
        (image, categories, explicit, link, locked, persons, limit).hash(state);
        (rendition.key(), rendition.enabled()).hash(state);
    }
}

impl Hash for Category {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Category { name, sub, line: _ } = self;
        (name, sub).hash(state);
    }
}

impl Hash for Owner {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Owner { name, email } = self;
        (name, email).hash(state);
    }
}

impl Hash for Event {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Event {
            id,
            title,
            date,
            link,
            summary,
        } = self;
        (id, title, date, link, summary).hash(state);
    }
}

impl Hash for Episode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Episode {
            id,
            title,
            event,
            credits,
            audio,
            excerpt,
            note,
            published,
            guid,
            sha256,
            transcript,
            chapters,
            image,
            explicit,
            season,
            number,
            episode_type,
            soundbite,
            rendition,
            line: _,
        } = self;
        (
            id, title, event, credits, audio, excerpt, note, published, guid,
        )
            .hash(state);
        (
            sha256, transcript, chapters, image, explicit, season, number,
        )
            .hash(state);
        (episode_type, soundbite, rendition).hash(state);
    }
}

impl Hash for Soundbite {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let Soundbite {
            start,
            duration,
            title,
        } = self;
        (start.to_bits(), duration.to_bits(), title).hash(state);
    }
}
