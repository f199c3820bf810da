//! text: speakable text — units of measure after a number, in both
//! languages (`5km` → 五公里 / five kilometers, `18 °C` → 十八摄氏度 /
//! eighteen degrees Celsius, `-5℃` → 零下五摄氏度), and unit symbols that
//! stand alone (`℃`, `㎡`).

use std::borrow::Cow;
use std::sync::LazyLock;

use super::pattern::{get, pattern, replace_numbers, whole, Number, B, NUM};
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
/// are left out: after a number they more often mean something else.
const UNITS: &[Unit] = &[
    unit(
        &["km/h", "kph"],
        "公里每小时",
        "kilometer per hour",
        "kilometers per hour",
    ),
    unit(&["mph"], "英里每小时", "mile per hour", "miles per hour"),
    unit(&["m/s"], "米每秒", "meter per second", "meters per second"),
    unit(
        &["km²", "㎢"],
        "平方公里",
        "square kilometer",
        "square kilometers",
    ),
    unit(&["m²", "㎡"], "平方米", "square meter", "square meters"),
    unit(&["m³", "㎥"], "立方米", "cubic meter", "cubic meters"),
    unit(&["km", "㎞"], "公里", "kilometer", "kilometers"),
    unit(&["cm", "㎝"], "厘米", "centimeter", "centimeters"),
    unit(&["mm", "㎜"], "毫米", "millimeter", "millimeters"),
    unit(&["m"], "米", "meter", "meters"),
    unit(&["kg", "㎏"], "公斤", "kilogram", "kilograms"),
    unit(&["mg", "㎎"], "毫克", "milligram", "milligrams"),
    unit(&["g"], "克", "gram", "grams"),
    unit(
        &["kWh", "kW·h"],
        "千瓦时",
        "kilowatt hour",
        "kilowatt hours",
    ),
    unit(&["kW", "㎾"], "千瓦", "kilowatt", "kilowatts"),
    unit(&["MW"], "兆瓦", "megawatt", "megawatts"),
    unit(&["GW"], "吉瓦", "gigawatt", "gigawatts"),
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

fn find(symbol: &str) -> Option<&'static Unit> {
    UNITS.iter().find(|u| u.symbols.contains(&symbol))
}

/// All symbols, longest first so `km` wins over `m`; one that ends in a
/// letter must end a word (`5 min`, not `5 minutes`' `min`).
static ALTERNATION: LazyLock<String> = LazyLock::new(|| {
    let mut symbols: Vec<&str> = UNITS
        .iter()
        .flat_map(|u| u.symbols.iter().copied())
        .collect();
    symbols.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    let alternatives: Vec<String> = symbols
        .iter()
        .map(|s| {
            let boundary = if s.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                B
            } else {
                ""
            };
            format!("{}{boundary}", regex::escape(s))
        })
        .collect();
    alternatives.join("|")
});

/// Chinese: `5km` → 五公里, `2kg` → 两公斤, `3-5km` → 三至五公里, `-5℃` →
/// 零下五摄氏度, `1.5m²` → 一点五平方米.
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<a>{NUM})\s*(?P<sep>[-–~～至到])\s*)?(?P<neg>[-−]|零下)?(?P<num>{NUM})\s*(?P<unit>{})",
        *ALTERNATION
    );
    replace_numbers(re, text, |caps| {
        let unit = find(get(caps, "unit"))?;
        let read = |n: &str| {
            if unit.temperature {
                zh_numbers::number(n, false)
            } else {
                count_before(n, unit.zh.chars().next())
            }
        };
        let neg = match (get(caps, "neg"), unit.temperature) {
            ("", _) => "",
            (_, true) => "零下",
            (_, false) => "负",
        };
        let num = format!("{neg}{}{}", read(get(caps, "num")), unit.zh);
        Some(match get(caps, "a") {
            "" => num,
            a => {
                let sep = if get(caps, "sep") == "到" {
                    "到"
                } else {
                    "至"
                };
                format!("{}{sep}{num}", zh_numbers::number(a, false))
            }
        })
    })
}

/// English: `5 km` → five kilometers, `1 km` → one kilometer, `18 °C` →
/// eighteen degrees Celsius, `5-10 km` → five to ten kilometers.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<a>{NUM})\s?(?:[-–]|\sto\s)\s?)?(?P<neg>[-−])?(?P<num>{NUM})\s?(?P<unit>{})",
        *ALTERNATION
    );
    replace_numbers(re, text, |caps| {
        let unit = find(get(caps, "unit"))?;
        let written = get(caps, "num");
        let a = get(caps, "a");
        let name = if a.is_empty() && Number::parse(written).is(1) {
            unit.one
        } else {
            unit.many
        };
        let neg = if get(caps, "neg").is_empty() {
            ""
        } else {
            "minus "
        };
        let num = format!("{neg}{} {name}", en_numbers::number(written));
        Some(match a {
            "" => num,
            a => format!("{} to {num}", en_numbers::number(a)),
        })
    })
}

/// Chinese: unit symbols with no digits before them (`三十℃`, `㎡`).
pub(super) fn zh_symbols(text: &str) -> Cow<'_, str> {
    let re = pattern!("°C|°F|[℃℉㎡㎢㎥㎞㎝㎜㎏㎎㎾㎖°]");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        find(whole(caps)).map_or_else(|| whole(caps).to_owned(), |u| u.zh.to_owned())
    })
}

/// English: temperature symbols with no digits before them.
pub(super) fn en_symbols(text: &str) -> Cow<'_, str> {
    let re = pattern!("[℃℉]");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        find(whole(caps)).map_or_else(|| whole(caps).to_owned(), |u| u.many.to_owned())
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
            ("5 minutes", "5 minutes"),
            ("5G", "5G"),
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
        assert_eq!(en_symbols("a ℃"), "a degrees Celsius");
    }
}
