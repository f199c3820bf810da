//! text: the language a text is written in, as an ISO 639-1 code, and
//! the detector used when the metadata does not say. Voices are chosen by it.

use std::fmt;

use super::chars::{is_han, is_hangul, is_kana};

/// An ISO 639-1 language code such as `zh` or `en`, with the region when
/// the code gave one (`en-GB`): voices go by the language, and the
/// speakable-text rules read the region (how dates are written).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language {
    code: String,
    region: Option<String>,
}

impl Language {
    /// Makes a language from a code. The code is normalized to its primary
    /// subtag in lower case, so `zh-CN`, `ZH` and `zh_Hans` are all `zh`;
    /// a region subtag (`GB` in `en-GB`, `en_gb`, `en-Latn-GB`) is kept
    /// beside it.
    pub fn new(code: &str) -> Language {
        let mut subtags = code.trim().split(['-', '_']);
        let primary = subtags.next().unwrap_or_default();
        let region = subtags
            .find(|s| {
                (s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()))
                    || (s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()))
            })
            .map(str::to_ascii_uppercase);
        Language {
            code: primary.to_ascii_lowercase(),
            region,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The language with its region, as a tag: `en-GB`, or `en` when no
    /// region was given.
    pub fn tag(&self) -> String {
        match &self.region {
            Some(region) => format!("{}-{region}", self.code),
            None => self.code.clone(),
        }
    }

    /// Reads a language as people write it in metadata: a code (`zh`,
    /// `en-US`, `eng`) or a name (`中文`, `English`, `Français`). `None` when
    /// it is neither.
    pub fn from_label(label: &str) -> Option<Language> {
        let label = label.trim();
        let lower = label.to_lowercase();
        if let Some(code) = NAMES
            .iter()
            .find(|(names, _)| names.split(',').any(|n| n == lower))
            .map(|(_, code)| *code)
        {
            return Some(Language::new(code));
        }
        let primary = lower.split(['-', '_']).next().unwrap_or_default();
        if primary.len() == 2 && primary.chars().all(|c| c.is_ascii_lowercase()) {
            return Some(Language::new(&lower));
        }
        if primary.len() == 3 {
            if let Some(code) = whatlang::Lang::from_code(primary).and_then(iso639_1) {
                let region = Language::new(&lower).region;
                return Some(Language {
                    region,
                    ..Language::new(code)
                });
            }
        }
        None
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

/// Language names (lower case, comma-separated) → code.
const NAMES: &[(&str, &str)] = &[
    ("中文,汉语,漢語,普通话,國語,国语,华语,chinese,mandarin,简体中文,繁體中文,繁体中文,zh-hans,zh-hant", "zh"),
    ("英文,英语,english", "en"),
    ("日本語,日语,日文,japanese", "ja"),
    ("한국어,韩语,韩文,korean", "ko"),
    ("français,francais,french,法语,法文", "fr"),
    ("deutsch,german,德语,德文", "de"),
    ("español,espanol,spanish,西班牙语", "es"),
    ("português,portugues,portuguese,葡萄牙语", "pt"),
    ("italiano,italian,意大利语", "it"),
    ("русский,russian,俄语,俄文", "ru"),
    ("العربية,arabic,阿拉伯语", "ar"),
];

/// How much of the text the detector looks at: enough to be sure, and a
/// 10 MiB article costs no more than a short one.
const SAMPLE_CHARS: usize = 4000;

/// Guesses the language of `text`.
///
/// Scripts decide first: text that is mostly Han is `zh`, any real share of
/// kana makes it `ja`, Hangul makes it `ko`. Each CJK character counts as one
/// unit and each run of other letters (a Latin word) as one, so Chinese with a
/// few English words stays Chinese. Other text goes to `whatlang`; when it is
/// unsure about Latin-script text (confidence under 0.5) the answer is `en`,
/// and text with no letters at all is `en` too. Only the first 4000
/// characters are looked at.
pub fn detect_language(text: &str) -> Language {
    let sample = match text.char_indices().nth(SAMPLE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let (mut han, mut kana, mut hangul, mut words) = (0usize, 0usize, 0usize, 0usize);
    let mut in_word = false;
    for c in sample.chars() {
        let cjk = if is_han(c) {
            han += 1;
            true
        } else if is_kana(c) {
            kana += 1;
            true
        } else if is_hangul(c) {
            hangul += 1;
            true
        } else {
            false
        };
        let letter = !cjk && c.is_alphabetic();
        if letter && !in_word {
            words += 1;
        }
        in_word = letter;
    }
    let units = han + kana + hangul + words;
    if units == 0 {
        return Language::new("en");
    }
    let share = |n: usize| n as f64 / units as f64;
    if kana > 0 && share(han + kana) >= 0.3 && kana * 10 >= han + kana {
        return Language::new("ja");
    }
    if share(hangul) >= 0.3 {
        return Language::new("ko");
    }
    if share(han) >= 0.3 {
        return Language::new("zh");
    }
    match whatlang::detect(sample) {
        Some(info) if info.script() == whatlang::Script::Latin && info.confidence() < 0.5 => {
            Language::new("en")
        }
        Some(info) => Language::new(iso639_1(info.lang()).unwrap_or("en")),
        None => Language::new("en"),
    }
}

/// whatlang's ISO 639-3 languages → ISO 639-1.
fn iso639_1(lang: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> String {
        detect_language(text).as_str().to_owned()
    }

    #[test]
    fn codes_are_normalized() {
        assert_eq!(Language::new("zh-CN").as_str(), "zh");
        assert_eq!(Language::new(" EN_us ").to_string(), "en");
        assert_eq!(Language::new("zh"), Language::new("ZH-Hans"));
        assert_eq!(Language::new("en_gb").tag(), "en-GB");
        assert_eq!(Language::new("zh-Hans-CN").tag(), "zh-CN");
        assert_eq!(Language::new("en").tag(), "en");
    }

    #[test]
    fn labels_are_codes_or_names() {
        let l = |s: &str| Language::from_label(s).map(|l| l.to_string());
        assert_eq!(l("中文").as_deref(), Some("zh"));
        assert_eq!(l("English").as_deref(), Some("en"));
        assert_eq!(l("en-GB").as_deref(), Some("en"));
        assert_eq!(
            Language::from_label("en-GB").map(|l| l.tag()).as_deref(),
            Some("en-GB")
        );
        assert_eq!(
            Language::from_label("eng-US").map(|l| l.tag()).as_deref(),
            Some("en-US")
        );
        assert_eq!(l("fra").as_deref(), Some("fr"));
        assert_eq!(l("Français").as_deref(), Some("fr"));
        assert_eq!(l("klingon"), None);
        assert_eq!(l(""), None);
    }

    #[test]
    fn detects_scripts_and_latin_languages() {
        assert_eq!(lang("人民的平安,我们的承诺;社会的稳定,我们的责任。"), "zh");
        assert_eq!(
            lang("The city council met on Tuesday and voted to expand the bus network."),
            "en"
        );
        assert_eq!(
            lang("Le conseil municipal s'est réuni mardi et a voté pour étendre le réseau de bus."),
            "fr"
        );
        assert_eq!(
            lang("Der Stadtrat hat am Dienstag beschlossen, das Busnetz deutlich zu erweitern."),
            "de"
        );
        assert_eq!(lang("東京都は月曜日に新しい計画を発表しました。"), "ja");
        assert_eq!(lang("서울시는 월요일에 새로운 계획을 발표했습니다."), "ko");
        assert_eq!(
            lang("Москва объявила о новом плане развития общественного транспорта."),
            "ru"
        );
    }

    #[test]
    fn chinese_with_some_english_words_is_chinese() {
        assert_eq!(
            lang("苹果公司发布了新款iPhone 15 Pro,搭载A17 Pro芯片,支持USB-C接口,售价为7999元起。"),
            "zh"
        );
        assert_eq!(
            lang("研究团队使用 Python 和 Rust 开发了一个名为 DeepSeek 的 open source 模型。"),
            "zh"
        );
    }

    #[test]
    fn english_with_a_chinese_name_is_english() {
        assert_eq!(
            lang("The delegation visited 北京 last week to discuss trade with local officials."),
            "en"
        );
    }

    #[test]
    fn unsure_or_letterless_text_is_english() {
        assert_eq!(lang(""), "en");
        assert_eq!(lang("2022-10-24 10:47:55"), "en");
        assert_eq!(lang("OK"), "en");
    }

    #[test]
    fn huge_text_is_sampled() {
        let text = "人民的平安。".repeat(1_000_000);
        assert_eq!(lang(&text), "zh");
    }
}
