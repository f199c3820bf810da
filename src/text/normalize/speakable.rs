//! text: speakable text — the entry point: the lexicon first, then the
//! article language's rules, one sentence at a time so no rule reaches
//! across a sentence end and every sentence end stays where it was.

use std::borrow::Cow;

use super::super::lexicon::Lexicon;
use super::en_dates::DateOrder;
use super::sentence_ends::align;
use super::{en, zh};
use crate::text::sentences;
use crate::text::Language;

/// What a newsreader would say for `text`, written in language `lang` (an
/// ISO 639-1 code, or a tag with a region; `zh-CN` and `ZH` are `zh`):
/// numbers, dates, times, money, units, phone numbers and abbreviations
/// become words. The lexicon's replacements come first. Chinese and English
/// have rules; other languages get the lexicon only. The region says how
/// English dates in numbers are written: `en-GB` reads `3/4/2026` as the
/// third of April, `en-US` and plain `en` as March fourth.
///
/// Sentences end where they ended before (`Dr.` becomes Doctor and `3.5`
/// three point five without new full stops), characters the rules do not
/// know pass through unchanged, and applying it twice gives what applying
/// it once did (given a lexicon whose replacements are not themselves
/// rewritten; see [`Lexicon::notes`]).
pub fn speakable(text: &str, lang: &str, lexicon: Option<&Lexicon>) -> String {
    let tag = lang;
    let lang = Language::new(lang);
    let text = match lexicon {
        Some(lexicon) => Cow::Owned(lexicon.apply(lang.as_str(), text)),
        None => Cow::Borrowed(text),
    };
    let order = DateOrder::for_tag(tag);
    let english = move |s: &str| en::sentence(s, order);
    let sentence: &dyn Fn(&str) -> String = match lang.as_str() {
        "zh" => &zh::sentence,
        "en" => &english,
        _ => return text.into_owned(),
    };
    let mut parts: Vec<String> = sentences(&text).into_iter().map(sentence).collect();
    align(&mut parts, lang.as_str(), sentence);
    parts.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_codes() {
        assert_eq!(speakable("第3次", "zh-CN", None), "第三次");
        assert_eq!(speakable("第3次", "ZH", None), "第三次");
        assert_eq!(
            speakable("Dr. Smith, 5 km", "en-GB", None),
            "Doctor Smith, five kilometers"
        );
        assert_eq!(speakable("Le 3 mai", "fr", None), "Le 3 mai");
        assert_eq!(speakable("", "zh", None), "");
    }

    #[test]
    fn lexicon_goes_first() {
        let lexicon = Lexicon::from_toml_str(
            "[zh]\n\"OpenAI\" = \"欧噗恩AI\"\n\"G7\" = \"七国集团\"\n[fr]\n\"Nguyen\" = \"Win\"\n",
        )
        .unwrap();
        assert_eq!(
            speakable("OpenAI发布3款模型,G7峰会", "zh", Some(&lexicon)),
            "欧噗恩AI发布三款模型,七国集团峰会"
        );
        assert_eq!(speakable("M. Nguyen", "fr", Some(&lexicon)), "M. Win");
    }

    #[test]
    fn long_articles_cost_no_more_per_sentence() {
        let zh = "2022年，第3次会议有1,299人参加，增长35%。".repeat(5_000);
        let spoken = speakable(&zh, "zh", None);
        assert_eq!(sentences(&spoken).len(), 5_000);
        let en = "Dr. Smith paid $3.50 on Nov. 7, 2026. ".repeat(5_000);
        assert_eq!(sentences(&speakable(&en, "en", None)).len(), 5_000);
    }

    #[test]
    fn sentence_ends_stay() {
        let cases = [
            ("Dr. Smith paid $3.50. Then he left.", "en"),
            ("It is 3.5 km. e.g. this one.", "en"),
            ("He lives in the U.S. Then he left.", "en"),
            ("价格上涨了3.5%。会议结束!", "zh"),
            ("他说:“我们2点走。”然后离开了。", "zh"),
            ("他犹豫了……最后还是走了3次。", "zh"),
        ];
        for (text, lang) in cases {
            let before = sentences(text).len();
            let spoken = speakable(text, lang, None);
            assert_eq!(sentences(&spoken).len(), before, "{text} → {spoken}");
        }
    }
}
