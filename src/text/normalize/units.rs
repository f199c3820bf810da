//! text: speakable text — units of measure after a number, in both
//! languages (`5km` → 五公里 / five kilometers, `18 °C` → 十八摄氏度 /
//! eighteen degrees Celsius, `-5℃` → 零下五摄氏度, `5 mg/L` → five
//! milligrams per liter), and unit symbols that stand alone (`℃`, `㎡`,
//! `kWh`). The symbol table here is what `rates` reads rates from too.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::pattern::{en_to, get, pattern, replace_numbers, start, whole, Number, B, DASH, NUM};
use super::zh_quantities::count_before;
use super::{en_numbers, zh_numbers};

struct Unit {
    symbols: &'static [&'static str],
    zh: &'static str,
    one: &'static str,
    many: &'static str,
    /// A temperature: read 零下 for a minus sign, never 两 for a 2.
    temperature: bool,
}

const fn unit(
    symbols: &'static [&'static str],
    zh: &'static str,
    one: &'static str,
    many: &'static str,
) -> Unit {
    Unit {
        symbols,
        zh,
        one,
        many,
        temperature: false,
    }
}

const fn temperature(
    symbols: &'static [&'static str],
    zh: &'static str,
    one: &'static str,
    many: &'static str,
) -> Unit {
    Unit {
        symbols,
        zh,
        one,
        many,
        temperature: true,
    }
}

/// Symbols that are also everyday words or letters (`in`, `s`, `t`, `G`)
/// are left out: after a number they more often mean something else. A
/// rate is two symbols with a slash (`km/h`, `mg/L`, `m³/s`), read from
/// the two (see [`PER`]).
const UNITS: &[Unit] = &[
    unit(
        &["kph"],
        "公里每小时",
        "kilometer per hour",
        "kilometers per hour",
    ),
    unit(&["mph"], "英里每小时", "mile per hour", "miles per hour"),
    unit(
        &["km²", "㎢"],
        "平方公里",
        "square kilometer",
        "square kilometers",
    ),
    unit(&["m²", "㎡"], "平方米", "square meter", "square meters"),
    unit(
        &["cm²", "㎠"],
        "平方厘米",
        "square centimeter",
        "square centimeters",
    ),
    unit(&["m³", "㎥"], "立方米", "cubic meter", "cubic meters"),
    unit(
        &["cm³", "㎤"],
        "立方厘米",
        "cubic centimeter",
        "cubic centimeters",
    ),
    unit(&["km", "㎞"], "公里", "kilometer", "kilometers"),
    unit(&["cm", "㎝"], "厘米", "centimeter", "centimeters"),
    unit(&["mm", "㎜"], "毫米", "millimeter", "millimeters"),
    unit(&["m"], "米", "meter", "meters"),
    unit(&["kg", "㎏"], "公斤", "kilogram", "kilograms"),
    unit(&["mg", "㎎"], "毫克", "milligram", "milligrams"),
    unit(&["μg", "µg", "ug"], "微克", "microgram", "micrograms"),
    unit(&["g"], "克", "gram", "grams"),
    unit(
        &["kWh", "kW·h", "kwh"],
        "千瓦时",
        "kilowatt hour",
        "kilowatt hours",
    ),
    unit(&["MWh"], "兆瓦时", "megawatt hour", "megawatt hours"),
    unit(&["GWh"], "吉瓦时", "gigawatt hour", "gigawatt hours"),
    unit(&["TWh"], "太瓦时", "terawatt hour", "terawatt hours"),
    unit(&["kW", "㎾"], "千瓦", "kilowatt", "kilowatts"),
    unit(&["MW"], "兆瓦", "megawatt", "megawatts"),
    unit(&["GW"], "吉瓦", "gigawatt", "gigawatts"),
    unit(&["mAh"], "毫安时", "milliamp hour", "milliamp hours"),
    unit(&["kHz"], "千赫", "kilohertz", "kilohertz"),
    unit(&["MHz"], "兆赫", "megahertz", "megahertz"),
    unit(&["GHz"], "吉赫", "gigahertz", "gigahertz"),
    unit(&["Hz"], "赫兹", "hertz", "hertz"),
    unit(&["dB"], "分贝", "decibel", "decibels"),
    unit(&["mL", "ml", "㎖"], "毫升", "milliliter", "milliliters"),
    unit(&["L"], "升", "liter", "liters"),
    unit(&["ha"], "公顷", "hectare", "hectares"),
    unit(&["h"], "小时", "hour", "hours"),
    unit(&["min"], "分钟", "minute", "minutes"),
    unit(&["mi"], "英里", "mile", "miles"),
    unit(&["ft"], "英尺", "foot", "feet"),
    unit(&["lbs", "lb"], "磅", "pound", "pounds"),
    unit(&["oz"], "盎司", "ounce", "ounces"),
    temperature(&["°C", "℃"], "摄氏度", "degree Celsius", "degrees Celsius"),
    temperature(
        &["°F", "℉"],
        "华氏度",
        "degree Fahrenheit",
        "degrees Fahrenheit",
    ),
    temperature(&["°"], "度", "degree", "degrees"),
];

/// Symbols that only ever stand after a slash, where a lone letter is no
/// word (`m³/s`, `t/h`, `kg/d`): Chinese, then English.
const PER_ONLY: &[(&str, &str, &str)] = &[
    ("s", "秒", "second"),
    ("t", "吨", "tonne"),
    ("d", "天", "day"),
    ("day", "天", "day"),
    ("hr", "小时", "hour"),
    ("wk", "周", "week"),
    ("yr", "年", "year"),
];

fn find(symbol: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.symbols.contains(&symbol))
}

/// What more than one of a unit is called in English (kilometers).
pub(super) fn many(symbol: &str) -> Option<&'static str> {
    find(symbol).map(|u| u.many)
}

/// What a symbol after a slash is called, in Chinese and in English (one of
/// it: per hour, per liter).
pub(super) fn per(symbol: &str) -> Option<(&'static str, &'static str)> {
    find(symbol)
        .filter(|u| !u.temperature)
        .map(|u| (u.zh, u.one))
        .or_else(|| {
            PER_ONLY
                .iter()
                .find(|(s, _, _)| *s == symbol)
                .map(|(_, zh, en)| (*zh, *en))
        })
}

/// Symbols as alternatives of a pattern, longest first so `km` wins over
/// `m`; when `bounded`, one that ends in a letter must end a word (`5 min`,
/// not `5 minutes`' `min`).
fn alternatives<'a>(symbols: impl Iterator<Item = &'a str>, bounded: bool) -> String {
    let mut symbols: Vec<&str> = symbols.collect();
    symbols.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    symbols.dedup();
    let alternatives: Vec<String> = symbols
        .iter()
        .map(|s| {
            let boundary = if bounded && s.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                B
            } else {
                ""
            };
            format!("{}{boundary}", regex::escape(s))
        })
        .collect();
    alternatives.join("|")
}

/// All symbols of [`UNITS`].
pub(super) static ALTERNATION: LazyLock<String> =
    LazyLock::new(|| alternatives(UNITS.iter().flat_map(|u| u.symbols.iter().copied()), true));

/// Symbols that can follow a slash: [`UNITS`] but temperatures, and
/// [`PER_ONLY`]; not bounded, for `rates` to look at what follows itself.
fn per_symbols() -> impl Iterator<Item = &'static str> {
    UNITS
        .iter()
        .filter(|u| !u.temperature)
        .flat_map(|u| u.symbols.iter().copied())
        .chain(PER_ONLY.iter().map(|(s, _, _)| *s))
}

/// [`per_symbols`] as alternatives, none bounded.
pub(super) static PER_OPEN: LazyLock<String> = LazyLock::new(|| alternatives(per_symbols(), false));

/// All symbols that can follow a slash: [`UNITS`] but temperatures, and
/// [`PER_ONLY`].
pub(super) static PER: LazyLock<String> = LazyLock::new(|| alternatives(per_symbols(), true));

/// The Chinese name of a unit and, for a rate, the part after 每.
fn zh_name(unit: &Unit, per_symbol: &str) -> String {
    match per(per_symbol) {
        Some((per, _)) if !per_symbol.is_empty() => format!("{}每{per}", unit.zh),
        _ => unit.zh.to_owned(),
    }
}

/// Chinese: `5km` → 五公里, `2kg` → 两公斤, `3-5km` → 三至五公里, `3km-5km`
/// → 三公里至五公里, `-5~3℃` → 零下五至三摄氏度, `1.5m²` → 一点五平方米,
/// `60km/h` → 六十公里每小时.
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<aneg>[-−]|零下)?(?P<a>{NUM})\s*(?P<aunit>{})?\s*(?P<sep>{DASH}|至|到)\s*)?(?P<neg>[-−]|零下)?(?P<num>{NUM})\s*(?P<unit>{})(?:/(?P<per>{}))?",
        *ALTERNATION,
        *ALTERNATION,
        *PER
    );
    replace_numbers(re, text, |caps| {
        let unit = find(get(caps, "unit"))?;
        let aunit = match get(caps, "aunit") {
            "" => None,
            s => Some(find(s)?),
        };
        let name = zh_name(unit, get(caps, "per"));
        let read = |n: &str, unit: &Unit| {
            if unit.temperature {
                zh_numbers::number(n, false)
            } else {
                count_before(n, unit.zh)
            }
        };
        let sign = |neg: &str, unit: &Unit| match (neg, unit.temperature) {
            ("", _) => "",
            (_, true) => "零下",
            (_, false) => "负",
        };
        let num = format!(
            "{}{}{name}",
            sign(get(caps, "neg"), unit),
            read(get(caps, "num"), unit)
        );
        let a = get(caps, "a");
        if a.is_empty() {
            return Some(num);
        }
        let sep = if get(caps, "sep") == "到" {
            "到"
        } else {
            "至"
        };
        let left_unit = aunit.unwrap_or(unit);
        let left = format!(
            "{}{}{}",
            sign(get(caps, "aneg"), left_unit),
            read(a, left_unit),
            aunit.map_or("", |u| u.zh)
        );
        Some(format!("{left}{sep}{num}"))
    })
}

/// English: `5 km` → five kilometers, `1 km` → one kilometer, `18 °C` →
/// eighteen degrees Celsius, `5-10 km` → five to ten kilometers, `5 mg/L` →
/// five milligrams per liter.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<aneg>[-−])?(?P<a>{NUM})\s?(?P<aunit>{})?\s?(?:{DASH}|\sto\s)\s?)?(?P<neg>[-−])?(?P<num>{NUM})\s?(?P<unit>{})(?:/(?P<per>{}))?",
        *ALTERNATION,
        *ALTERNATION,
        *PER
    );
    replace_numbers(re, text, |caps| {
        let unit = find(get(caps, "unit"))?;
        let aunit = match get(caps, "aunit") {
            "" => None,
            s => Some(find(s)?),
        };
        let written = get(caps, "num");
        let a = get(caps, "a");
        let to = en_to(text, start(caps));
        let per = match get(caps, "per") {
            "" => String::new(),
            p => format!(" per {}", per(p)?.1),
        };
        let name = |unit: &Unit, n: &str, alone: bool| {
            if alone && Number::parse(n).is(1) {
                unit.one
            } else {
                unit.many
            }
        };
        let minus = |sign: &str| if sign.is_empty() { "" } else { "minus " };
        // A minus stands after a space or at the start, not after a word.
        let aneg = minus(get(caps, "aneg"));
        let glued = text[..start(caps)]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if !aneg.is_empty() && glued {
            return None;
        }
        let neg = minus(get(caps, "neg"));
        let num = format!(
            "{neg}{} {}{per}",
            en_numbers::number(written),
            name(unit, written, a.is_empty())
        );
        Some(match (a, aunit) {
            ("", _) => num,
            (a, None) => format!("{aneg}{} {to} {num}", en_numbers::number(a)),
            (a, Some(u)) => format!(
                "{aneg}{} {} {to} {num}",
                en_numbers::number(a),
                name(u, a, true)
            ),
        })
    })
}

/// Symbols that can stand without a number before them: those with a mark
/// no word has (`℃`, `m²`), and a few no word is spelled like (`kWh`).
const ALONE: &str = "°C|°F|[℃℉㎡㎢㎥㎞㎝㎜㎏㎎㎾㎖㎠㎤°]|km²|cm²|m²|km³|cm³|m³|kWh|MWh|GWh|TWh|mAh";

/// Chinese: unit symbols with no digits before them (`三十℃`, `㎡`,
/// `kWh`).
pub(super) fn zh_symbols(text: &str) -> Cow<'_, str> {
    let re = pattern!("{ALONE}");
    replace_symbols(re, text, |unit| unit.zh)
}

/// English: temperature symbols and the symbols no word is spelled like,
/// with no digits before them (`a ℃`, `in kWh`).
pub(super) fn en_symbols(text: &str) -> Cow<'_, str> {
    let re = pattern!("{ALONE}");
    replace_symbols(re, text, |unit| unit.many)
}

/// Replaces each symbol `re` finds that stands alone (no letter or digit
/// glued to a Latin end of it) by `name` of its unit.
fn replace_symbols<'t>(
    re: &regex::Regex,
    text: &'t str,
    name: impl Fn(&Unit) -> &'static str,
) -> Cow<'t, str> {
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let symbol = whole(caps);
        let at = caps.get(0).map_or(0, |m| m.start());
        let latin = symbol.starts_with(|c: char| c.is_ascii_alphabetic());
        let glued = latin
            && text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        let continues = symbol.ends_with(|c: char| c.is_ascii_alphanumeric())
            && text[at + symbol.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric());
        match find(symbol) {
            Some(unit) if !glued && !continues => name(unit).to_owned(),
            _ => symbol.to_owned(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_units() {
        let cases = [
            ("5km", "五公里"),
            ("2kg", "两公斤"),
            ("2℃", "二摄氏度"),
            ("-5℃", "零下五摄氏度"),
            ("零下5℃", "零下五摄氏度"),
            ("18 °C", "十八摄氏度"),
            ("3-5km", "三至五公里"),
            ("1.5m²", "一点五平方米"),
            ("120㎡", "一百二十平方米"),
            ("60km/h", "六十公里每小时"),
            ("24h", "二十四小时"),
            ("5G", "5G"),
            ("5 minutes", "5 minutes"),
        ];
        for (text, want) in cases {
            assert_eq!(zh(text), want, "{text}");
        }
        assert_eq!(zh_symbols("三十℃，㎡"), "三十摄氏度，平方米");
    }

    #[test]
    fn english_units() {
        let cases = [
            ("5 km", "five kilometers"),
            ("1 km", "one kilometer"),
            ("1.5 km", "one point five kilometers"),
            ("20 kg", "twenty kilograms"),
            ("18 °C", "eighteen degrees Celsius"),
            ("1°C", "one degree Celsius"),
            ("-5 °C", "minus five degrees Celsius"),
            ("10 m", "ten meters"),
            ("6 ft", "six feet"),
            ("5-10 km", "five to ten kilometers"),
            ("5 to 10 km", "five to ten kilometers"),
            ("-5 to -3 °C", "minus five to minus three degrees Celsius"),
            ("from -5–3 °C", "from minus five to three degrees Celsius"),
            ("5 mg/L", "five milligrams per liter"),
            ("3 m³/s", "three cubic meters per second"),
            ("5 zorks/h", "5 zorks/h"),
            ("5 minutes", "5 minutes"),
            ("5G", "5G"),
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
        assert_eq!(en_symbols("a ℃"), "a degrees Celsius");
    }
}
