//! Tags (title, artist, album, date, comment) and embedded artwork of a recording, and how
//! they are collected from what Symphonia's readers found.

use serde::{Deserialize, Serialize};
use symphonia::core::formats::FormatReader;
use symphonia::core::meta::{MetadataContainer, StandardTag, Visual};

/// The tags `archive probe` reports, where the file has them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub album: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Tags {
    /// Fills the tags this lacks from `other`.
    pub fn fill_from(&mut self, other: Tags) {
        let pairs = [
            (&mut self.title, other.title),
            (&mut self.artist, other.artist),
            (&mut self.album, other.album),
            (&mut self.date, other.date),
            (&mut self.comment, other.comment),
        ];
        for (slot, value) in pairs {
            if slot.is_none() {
                *slot = value;
            }
        }
    }

    /// Takes a Vorbis comment (`TITLE=…`), as FLAC and Ogg carry them.
    pub fn vorbis_comment(&mut self, comment: &str) {
        let Some((key, value)) = comment.split_once('=') else {
            return;
        };
        let slot = match key.to_ascii_uppercase().as_str() {
            "TITLE" => &mut self.title,
            "ARTIST" => &mut self.artist,
            "ALBUM" => &mut self.album,
            "DATE" | "YEAR" => &mut self.date,
            "COMMENT" | "DESCRIPTION" => &mut self.comment,
            _ => return,
        };
        let value = value.trim();
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value.to_owned());
        }
    }
}

/// An embedded picture: its media type and pixel size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artwork {
    pub media_type: String,
    pub width: u32,
    pub height: u32,
}

/// Collects tags and the first picture from every metadata revision the reader holds.
pub fn read(reader: &mut dyn FormatReader) -> (Tags, Option<Artwork>) {
    let mut tags = Tags::default();
    let mut artwork = None;
    let mut metadata = reader.metadata();
    let mut revisions = Vec::new();
    while let Some(revision) = metadata.pop() {
        revisions.push(revision);
    }
    revisions.extend(metadata.current().cloned());
    // The newest revision wins where two carry the same tag.
    for revision in revisions.iter().rev() {
        collect(&revision.media, &mut tags, &mut artwork);
        for track in &revision.per_track {
            collect(&track.metadata, &mut tags, &mut artwork);
        }
    }
    (tags, artwork)
}

fn collect(container: &MetadataContainer, tags: &mut Tags, artwork: &mut Option<Artwork>) {
    for tag in &container.tags {
        if let Some(StandardTag::RecordingYear(year) | StandardTag::ReleaseYear(year)) = &tag.std {
            tags.date.get_or_insert_with(|| year.to_string());
            continue;
        }
        let (slot, value) = match &tag.std {
            Some(StandardTag::TrackTitle(v)) => (&mut tags.title, v),
            Some(StandardTag::Artist(v)) => (&mut tags.artist, v),
            Some(StandardTag::Album(v)) => (&mut tags.album, v),
            Some(StandardTag::RecordingDate(v) | StandardTag::ReleaseDate(v)) => {
                (&mut tags.date, v)
            }
            Some(StandardTag::Comment(v)) => (&mut tags.comment, v),
            _ => continue,
        };
        let value = value.trim_end_matches('\0').trim();
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value.to_owned());
        }
    }
    if artwork.is_none() {
        *artwork = container.visuals.iter().find_map(picture);
    }
}

/// An embedded picture as a container stores it.
pub struct Picture<'a> {
    /// The media type the container states, if any.
    pub media_type: Option<String>,
    pub dimensions: Option<(u32, u32)>,
    pub data: &'a [u8],
}

impl Picture<'_> {
    /// Its media type and size, read from its bytes where the container does not say.
    pub fn artwork(&self) -> Option<Artwork> {
        let (width, height) = if let Some(size) = self.dimensions {
            size
        } else {
            let size = imagesize::blob_size(self.data).ok()?;
            (
                u32::try_from(size.width).ok()?,
                u32::try_from(size.height).ok()?,
            )
        };
        let media_type = self
            .media_type
            .clone()
            .filter(|t| t.contains('/'))
            .or_else(|| sniff_image_type(self.data).map(str::to_owned))?;
        Some(Artwork {
            media_type,
            width,
            height,
        })
    }
}

fn picture(visual: &Visual) -> Option<Artwork> {
    Picture {
        media_type: visual.media_type.clone(),
        dimensions: visual.dimensions.map(|size| (size.width, size.height)),
        data: &visual.data,
    }
    .artwork()
}

/// The MIME type of an image from its bytes: PNG, JPEG, GIF or WebP.
pub fn sniff_image_type(data: &[u8]) -> Option<&'static str> {
    match imagesize::image_type(data).ok()? {
        imagesize::ImageType::Png => Some("image/png"),
        imagesize::ImageType::Jpeg => Some("image/jpeg"),
        imagesize::ImageType::Gif => Some("image/gif"),
        imagesize::ImageType::Webp => Some("image/webp"),
        _ => None,
    }
}
