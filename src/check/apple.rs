//! Apple Podcasts' category list (`itunes:category`), as its directory shows it.

use crate::catalog::suggest::{close, did_you_mean};

/// Every category, with its subcategories.
const CATEGORIES: &[(&str, &[&str])] = &[
    (
        "Arts",
        &[
            "Books",
            "Design",
            "Fashion & Beauty",
            "Food",
            "Performing Arts",
            "Visual Arts",
        ],
    ),
    (
        "Business",
        &[
            "Careers",
            "Entrepreneurship",
            "Investing",
            "Management",
            "Marketing",
            "Non-Profit",
        ],
    ),
    ("Comedy", &["Comedy Interviews", "Improv", "Stand-Up"]),
    (
        "Education",
        &["Courses", "How To", "Language Learning", "Self-Improvement"],
    ),
    ("Fiction", &["Comedy Fiction", "Drama", "Science Fiction"]),
    ("Government", &[]),
    (
        "Health & Fitness",
        &[
            "Alternative Health",
            "Fitness",
            "Medicine",
            "Mental Health",
            "Nutrition",
            "Sexuality",
        ],
    ),
    ("History", &[]),
    (
        "Kids & Family",
        &[
            "Education for Kids",
            "Parenting",
            "Pets & Animals",
            "Stories for Kids",
        ],
    ),
    (
        "Leisure",
        &[
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        ],
    ),
    (
        "Music",
        &["Music Commentary", "Music History", "Music Interviews"],
    ),
    (
        "News",
        &[
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        ],
    ),
    (
        "Religion & Spirituality",
        &[
            "Buddhism",
            "Christianity",
            "Hinduism",
            "Islam",
            "Judaism",
            "Religion",
            "Spirituality",
        ],
    ),
    (
        "Science",
        &[
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        ],
    ),
    (
        "Society & Culture",
        &[
            "Documentary",
            "Personal Journals",
            "Philosophy",
            "Places & Travel",
            "Relationships",
        ],
    ),
    (
        "Sports",
        &[
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        ],
    ),
    ("Technology", &[]),
    ("True Crime", &[]),
    (
        "TV & Film",
        &[
            "After Shows",
            "Film History",
            "Film Interviews",
            "Film Reviews",
            "TV Reviews",
        ],
    ),
];

/// Why `name` (with `sub`) is not an Apple category, if it is not one.
pub fn category_problem(name: &str, sub: Option<&str>) -> Option<String> {
    let Some((_, subs)) = CATEGORIES.iter().find(|(top, _)| *top == name) else {
        let near = did_you_mean(close(name, CATEGORIES.iter().map(|(top, _)| *top)));
        return Some(format!("`{name}` is not an Apple Podcasts category{near}"));
    };
    let sub = sub?;
    if subs.contains(&sub) {
        return None;
    }
    if let Some(near) = close(sub, subs.iter().copied()) {
        let near = did_you_mean(Some(near));
        return Some(format!("`{sub}` is not a subcategory of `{name}`{near}"));
    }
    let valid = if subs.is_empty() {
        "it has no subcategories".to_owned()
    } else {
        format!(
            "its subcategories are {}",
            subs.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Some(format!("`{sub}` is not a subcategory of `{name}`: {valid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_apples_categories() {
        assert_eq!(category_problem("News", Some("Politics")), None);
        assert_eq!(category_problem("Government", None), None);
        assert_eq!(
            category_problem("news", None).unwrap(),
            "`news` is not an Apple Podcasts category (did you mean `News`?)"
        );
        assert_eq!(
            category_problem("Goverment", None).unwrap(),
            "`Goverment` is not an Apple Podcasts category (did you mean `Government`?)"
        );
        assert_eq!(
            category_problem("News", Some("Politcs")).unwrap(),
            "`Politcs` is not a subcategory of `News` (did you mean `Politics`?)"
        );
        assert_eq!(
            category_problem("Government", Some("Politics")).unwrap(),
            "`Politics` is not a subcategory of `Government`: it has no subcategories"
        );
    }
}
