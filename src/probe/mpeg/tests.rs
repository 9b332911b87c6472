//! Chains of frames made byte by byte: what confirms a stream, what ends it, and how far the
//! walk looks into what follows.

use std::io::Cursor;

use super::walk::RESYNC_WINDOW;
use super::*;
use crate::probe::source::BUFFER;

/// An MPEG-1 layer III frame: 64 kbit/s, 44.1 kHz, mono, 208 bytes.
const MP3_HEADER: [u8; 4] = [0xFF, 0xFB, 0x50, 0xC4];
const MP3_FRAME: usize = 208;

fn mp3_frames(n: usize) -> Vec<u8> {
    let mut frame = MP3_HEADER.to_vec();
    frame.resize(MP3_FRAME, 0x55);
    frame.repeat(n)
}

/// The same at 48 kHz: another stream.
fn mp3_frames_48k(n: usize) -> Vec<u8> {
    let mut frame = vec![0xFF, 0xFB, 0x54, 0xC4];
    frame.resize(192, 0x55);
    frame.repeat(n)
}

fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..len).map(|_| rng.u8(..)).collect()
}

fn walk_bytes(bytes: Vec<u8>) -> (Option<Chain>, Tags, u64) {
    let mut input = Input::new(Box::new(Cursor::new(bytes)));
    let mut tags = Tags::default();
    let chain = walk(&mut input, &[Kind::Mpeg, Kind::Adts], None, &mut tags).unwrap();
    (chain, tags, input.offset())
}

#[test]
fn frames_followed_by_garbage_end_where_the_garbage_begins() {
    let mut bytes = mp3_frames(50);
    bytes.extend(noise(100_000, 1));
    let (chain, _, _) = walk_bytes(bytes);
    let chain = chain.unwrap();
    assert_eq!((chain.frames, chain.samples), (50, 50 * 1152));
    assert_eq!(chain.garbage_from, Some(50 * MP3_FRAME as u64));
}

#[test]
fn one_frame_header_in_garbage_is_not_a_stream() {
    let mut bytes = noise(4096, 2);
    bytes.retain(|b| *b != 0xFF);
    bytes[1000..1004].copy_from_slice(&MP3_HEADER);
    assert!(walk_bytes(bytes).0.is_none());
}

#[test]
fn the_walk_resyncs_after_garbage_only_on_a_run_of_frames() {
    let mut clean = noise(3000, 3);
    clean.retain(|b| *b != 0xFF);
    let mut bytes = mp3_frames(10);
    bytes.extend(&clean);
    bytes.extend(mp3_frames(10));
    assert_eq!(walk_bytes(bytes.clone()).0.unwrap().frames, 20);
    // Two frames after the garbage are not enough to trust, and are left out.
    bytes.truncate(10 * MP3_FRAME + clean.len());
    bytes.extend(mp3_frames(2));
    bytes.extend(&clean);
    let chain = walk_bytes(bytes).0.unwrap();
    assert_eq!(chain.frames, 10);
    assert_eq!(chain.garbage_from, Some(10 * MP3_FRAME as u64));
}

#[test]
fn frames_of_another_sample_rate_are_not_the_same_stream() {
    let mut bytes = mp3_frames(10);
    bytes.extend(mp3_frames_48k(10));
    let chain = walk_bytes(bytes).0.unwrap();
    assert_eq!(chain.frames, 10);
    assert_eq!(chain.garbage_from, Some(10 * MP3_FRAME as u64));
}

#[test]
fn trailing_zeros_are_given_up_on_within_the_search_window() {
    let mut bytes = mp3_frames(10);
    bytes.resize(bytes.len() + 3 * 1024 * 1024, 0);
    let (chain, _, read) = walk_bytes(bytes);
    let chain = chain.unwrap();
    assert_eq!(chain.frames, 10);
    let end = 10 * MP3_FRAME as u64;
    assert_eq!(chain.garbage_from, Some(end));
    assert!(
        read <= end + RESYNC_WINDOW + BUFFER as u64,
        "read {read} bytes"
    );
}

#[test]
fn tags_inside_and_after_the_stream_are_not_garbage() {
    let mut bytes = mp3_frames(5);
    // An ID3v2 tag between two parts (of 30 bytes of body), an APE tag, an ID3v1 tag.
    bytes.extend(b"ID3\x03\x00\x00\x00\x00\x00\x1E");
    bytes.extend([0; 30]);
    bytes.extend(mp3_frames(5));
    let mut ape = b"APETAGEX".to_vec();
    ape.extend(2000u32.to_le_bytes());
    ape.extend(32u32.to_le_bytes()); // size: the footer only
    ape.extend([0; 16]);
    ape.extend(b"APETAGEX");
    ape.extend([0; 24]);
    bytes.extend(&ape);
    let mut v1 = b"TAGThe title".to_vec();
    v1.resize(128, 0);
    bytes.extend(&v1);
    let (chain, tags, _) = walk_bytes(bytes);
    let chain = chain.unwrap();
    assert_eq!((chain.frames, chain.garbage_from), (10, None));
    assert_eq!(tags.title.as_deref(), Some("The title"));
}

#[test]
fn a_frame_cut_by_the_end_of_the_file_is_not_counted() {
    let mut bytes = mp3_frames(10);
    bytes.truncate(bytes.len() - 100);
    let chain = walk_bytes(bytes).0.unwrap();
    assert_eq!((chain.frames, chain.garbage_from), (9, None));
}

#[test]
fn a_stream_after_junk_at_the_start_is_found() {
    let mut bytes = vec![0; 5000];
    bytes.extend(mp3_frames(8));
    let chain = walk_bytes(bytes).0.unwrap();
    assert_eq!((chain.start, chain.frames), (5000, 8));
}

#[test]
fn adts_frames_with_several_raw_data_blocks() {
    // AAC LC, 44.1 kHz, mono, 300 bytes, three raw data blocks (3072 samples) per frame.
    let len = 300usize;
    let header = [
        0xFF,
        0xF1,
        0x50,
        0x40 | u8::try_from(len >> 11).unwrap(),
        u8::try_from((len >> 3) & 0xFF).unwrap(),
        u8::try_from((len & 7) << 5).unwrap() | 0x1F,
        0xFC | 2,
    ];
    let mut frame = header.to_vec();
    frame.resize(len, 0);
    let chain = walk_bytes(frame.repeat(7)).0.unwrap();
    assert_eq!(chain.kind, Kind::Adts);
    assert_eq!((chain.frames, chain.samples), (7, 7 * 3072));
    let (codec, length) = measure(&chain).unwrap();
    assert_eq!((codec, length.frames), (Codec::Aac, 7 * 3072));
}
