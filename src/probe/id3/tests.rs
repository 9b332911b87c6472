//! `ID3v2` tags built byte by byte: every way a real tag bends the specification.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

use super::*;

fn syncsafe_bytes(n: usize) -> [u8; 4] {
    let seven = |shift: usize| u8::try_from((n >> shift) & 0x7F).unwrap();
    [seven(21), seven(14), seven(7), seven(0)]
}

fn tag(major: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut tag = vec![b'I', b'D', b'3', major, 0, flags];
    tag.extend(syncsafe_bytes(body.len()));
    tag.extend(body);
    tag
}

fn frame(major: u8, id: &str, flags: [u8; 2], data: &[u8]) -> Vec<u8> {
    let mut frame = id.as_bytes().to_vec();
    if major == 4 {
        frame.extend(syncsafe_bytes(data.len()));
    } else {
        frame.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    }
    frame.extend(flags);
    frame.extend(data);
    frame
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn tags_of(tag: &[u8]) -> (Tags, Option<Artwork>) {
    let mut tags = Tags::default();
    let mut artwork = None;
    read(tag, &mut tags, &mut artwork);
    (tags, artwork)
}

#[test]
fn compressed_frames_of_v2_3_are_inflated() {
    let raw = b"\x00Inflated title";
    let mut data = u32::try_from(raw.len()).unwrap().to_be_bytes().to_vec();
    data.extend(zlib(raw));
    let body = frame(3, "TIT2", [0, 0x80], &data);
    assert_eq!(
        tags_of(&tag(3, 0, &body)).0.title.as_deref(),
        Some("Inflated title")
    );
}

#[test]
fn compressed_unsynchronised_frames_of_v2_4_are_decoded_in_order() {
    // Data length indicator, then unsynchronisation over the compressed bytes.
    let raw = "\u{3}Überschrift".as_bytes();
    let compressed = zlib(raw);
    let mut data = syncsafe_bytes(raw.len()).to_vec();
    for &b in &compressed {
        data.push(b);
        if b == 0xFF {
            data.push(0);
        }
    }
    let body = frame(4, "TIT2", [0, 0x08 | 0x02 | 0x01], &data);
    assert_eq!(
        tags_of(&tag(4, 0, &body)).0.title.as_deref(),
        Some("Überschrift")
    );
}

#[test]
fn a_malformed_extended_header_costs_the_tags_not_the_tag_length() {
    let mut body = vec![0xFF, 0xFF, 0xFF, 0xF0, 0, 0, 0, 0, 0, 0];
    body.extend(frame(3, "TIT2", [0, 0], b"\x00Never read"));
    let tag = tag(3, 0x40, &body);
    assert_eq!(header(&tag).unwrap().total, tag.len() as u64);
    assert_eq!(tags_of(&tag).0, Tags::default());
}

#[test]
fn a_well_formed_extended_header_is_stepped_over() {
    let mut body = vec![0, 0, 0, 6, 0, 0, 0, 0, 0, 0];
    body.extend(frame(3, "TALB", [0, 0], b"\x00Album"));
    assert_eq!(
        tags_of(&tag(3, 0x40, &body)).0.album.as_deref(),
        Some("Album")
    );
}

#[test]
fn v2_4_frame_sizes_written_without_syncsafe_encoding_are_read() {
    // 200 bytes of text: a plain size of 201 is 0x000000C9, which is not syncsafe.
    let text = "x".repeat(200);
    let mut data = vec![3];
    data.extend(text.as_bytes());
    let mut body = b"TIT2".to_vec();
    body.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    body.extend([0, 0]);
    body.extend(&data);
    body.extend(frame(4, "TPE1", [0, 0], b"\x03Artist"));
    let (tags, _) = tags_of(&tag(4, 0, &body));
    assert_eq!(tags.title.as_deref(), Some(text.as_str()));
    assert_eq!(tags.artist.as_deref(), Some("Artist"));
}

#[test]
fn whole_tag_unsynchronisation_of_v2_3_is_undone() {
    let mut data = vec![1, 0xFF, 0xFE];
    data.extend("ÿ title".encode_utf16().flat_map(u16::to_le_bytes));
    let frame = frame(3, "TIT2", [0, 0], &data);
    let mut body = Vec::new();
    for &b in &frame {
        body.push(b);
        if b == 0xFF {
            body.push(0);
        }
    }
    assert_eq!(
        tags_of(&tag(3, 0x80, &body)).0.title.as_deref(),
        Some("ÿ title")
    );
}

#[test]
fn v2_2_frames_and_picture() {
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/audio/cover.png"
    ))
    .unwrap();
    let mut pic = b"\x00PNG\x03\x00".to_vec();
    pic.extend(&png);
    let mut body = Vec::new();
    for (id, data) in [("TT2", &b"\x00Old title"[..]), ("PIC", &pic[..])] {
        body.extend(id.as_bytes());
        body.extend(&u32::try_from(data.len()).unwrap().to_be_bytes()[1..]);
        body.extend(data);
    }
    let (tags, artwork) = tags_of(&tag(2, 0, &body));
    assert_eq!(tags.title.as_deref(), Some("Old title"));
    let artwork = artwork.unwrap();
    assert_eq!(
        (artwork.media_type.as_str(), artwork.width, artwork.height),
        ("image/png", 64, 48)
    );
}

#[test]
fn comments_that_are_player_notes_are_left_out() {
    let mut body = frame(3, "COMM", [0, 0], b"\x00engiTunNORM\x00 000001 000002");
    body.extend(frame(3, "COMM", [0, 0], b"\x00eng\x00The real comment"));
    assert_eq!(
        tags_of(&tag(3, 0, &body)).0.comment.as_deref(),
        Some("The real comment")
    );
}

#[test]
fn encrypted_frames_are_left_out_and_the_next_still_read() {
    let mut body = frame(3, "TIT2", [0, 0x40], b"\x01\x00garbled");
    body.extend(frame(3, "TPE1", [0, 0], b"\x00Artist"));
    let (tags, _) = tags_of(&tag(3, 0, &body));
    assert_eq!((tags.title, tags.artist.as_deref()), (None, Some("Artist")));
}

#[test]
fn id3v1_fills_only_what_is_missing() {
    let mut v1 = b"TAG".to_vec();
    for (text, len) in [
        ("V1 title", 30),
        ("V1 artist", 30),
        ("V1 album", 30),
        ("1999", 4),
    ] {
        let mut field = text.as_bytes().to_vec();
        field.resize(len, 0);
        v1.extend(field);
    }
    let mut comment = b"Caf\xE9".to_vec();
    comment.resize(28, 0);
    v1.extend(comment);
    v1.extend([0, 7, 12]); // ID3v1.1 track number, genre
    let mut tags = Tags {
        title: Some("V2 title".into()),
        ..Tags::default()
    };
    assert!(read_v1(&v1, &mut tags));
    assert_eq!(tags.title.as_deref(), Some("V2 title"));
    assert_eq!(tags.artist.as_deref(), Some("V1 artist"));
    assert_eq!(tags.date.as_deref(), Some("1999"));
    assert_eq!(tags.comment.as_deref(), Some("Café"));
    assert!(!read_v1(&v1[..127], &mut tags));
}
