//! The ID3v2.4 tag at the head of an MP3 rendition: title, speakers as artist, event as
//! album, date, the feed artwork as the front cover (APIC) and the excerpt as a comment.

use id3::frame::{Comment, Picture, PictureType};
use id3::{Tag, TagLike, Version};

/// Largest artwork embedded: Apple's limit for podcast artwork files is far below it.
pub const MAX_ARTWORK_BYTES: usize = 16 * 1024 * 1024;

/// What a rendition is tagged with. Empty fields are left out of the tag.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenditionTags {
    /// The episode title (TIT2).
    pub title: String,
    /// Speaker names, written as one artist (TPE1) joined by `, `.
    pub speakers: Vec<String>,
    /// The event's title (TALB).
    pub event: Option<String>,
    /// The publication date (TDRC).
    pub date: Option<chrono::NaiveDate>,
    /// The feed or episode artwork (APIC, front cover).
    pub artwork: Option<TagArtwork>,
    /// The excerpt (COMM, language `und`, no description).
    pub comment: Option<String>,
}

/// An image to embed.
#[derive(Debug, Clone, PartialEq)]
pub struct TagArtwork {
    /// `image/jpeg` or `image/png`.
    pub media_type: String,
    pub data: Vec<u8>,
}

impl RenditionTags {
    /// The encoded ID3v2.4 tag. Artwork larger than [`MAX_ARTWORK_BYTES`] is left out.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        let mut tag = Tag::new();
        if !self.title.is_empty() {
            tag.set_title(clean(&self.title));
        }
        if !self.speakers.is_empty() {
            tag.set_artist(clean(&self.speakers.join(", ")));
        }
        if let Some(event) = self.event.as_deref().filter(|e| !e.is_empty()) {
            tag.set_album(clean(event));
        }
        if let Some(date) = self.date {
            tag.set_text("TDRC", date.format("%Y-%m-%d").to_string());
        }
        if let Some(artwork) = self
            .artwork
            .as_ref()
            .filter(|art| art.data.len() <= MAX_ARTWORK_BYTES)
        {
            tag.add_frame(Picture {
                mime_type: artwork.media_type.clone(),
                picture_type: PictureType::CoverFront,
                description: String::new(),
                data: artwork.data.clone(),
            });
        }
        if let Some(comment) = self.comment.as_deref().filter(|c| !c.is_empty()) {
            tag.add_frame(Comment {
                lang: "und".into(),
                description: String::new(),
                text: clean(comment),
            });
        }
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, Version::Id3v24)
            .map_err(|err| format!("cannot write the ID3 tag: {err}"))?;
        Ok(bytes)
    }
}

/// Text without NUL characters, which ID3 uses as a separator.
fn clean(text: &str) -> String {
    text.replace('\0', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_from_the_encoded_tag() {
        let tags = RenditionTags {
            title: "Keynote — «Freedom»".into(),
            speakers: vec!["Maryam Rajavi".into(), "پروین اعتصامی".into()],
            event: Some("Online conference".into()),
            date: chrono::NaiveDate::from_ymd_opt(2020, 11, 10),
            artwork: Some(TagArtwork {
                media_type: "image/png".into(),
                data: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
            }),
            comment: Some("An excerpt.\nSecond paragraph.".into()),
        };
        let bytes = tags.encode().unwrap();
        assert_eq!(&bytes[..4], b"ID3\x04");
        let tag = Tag::read_from2(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(tag.title(), Some("Keynote — «Freedom»"));
        assert_eq!(tag.artist(), Some("Maryam Rajavi, پروین اعتصامی"));
        assert_eq!(tag.album(), Some("Online conference"));
        assert_eq!(
            tag.get("TDRC").and_then(|f| f.content().text()),
            Some("2020-11-10")
        );
        let picture = tag.pictures().next().unwrap();
        assert_eq!(picture.picture_type, PictureType::CoverFront);
        assert_eq!(picture.data, [0x89, b'P', b'N', b'G', 1, 2, 3]);
        let comment = tag.comments().next().unwrap();
        assert_eq!(comment.text, "An excerpt.\nSecond paragraph.");
    }

    #[test]
    fn empty_tags_still_make_a_valid_header() {
        let bytes = RenditionTags::default().encode().unwrap();
        assert_eq!(&bytes[..3], b"ID3");
    }
}
