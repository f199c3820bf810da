//! text: speakable text — numbers that are names, not amounts: phone
//! numbers, hotlines and train numbers, read digit by digit. Chinese reads 1
//! as 幺 there (`12368热线` → 幺二三六八热线, `010-12345678` → 零幺零
//! 幺二三四五六七八); English reads digits in their groups (`555-0123` →
//! five five five, zero one two three).

use std::borrow::Cow;

use super::pattern::cow_step;

use super::en_numbers;
use super::pattern::{get, pattern, B};
use super::zh_numbers::{digits, Digits};

/// Digits with single spaces or hyphens between groups, at least three in
/// the first group (so `手机3部` stays a count).
const DIGIT_GROUPS: &str = r"(?:\+[0-9]{1,3}[ -]?)?[0-9]{3,}(?:[ -][0-9]+)*";

/// Chinese digit string → 幺-style digits, each group separated by a space.
fn zh_code(number: &str) -> String {
    let mut out = String::new();
    if number.starts_with('+') {
        out.push('加');
    }
    let groups: Vec<String> = number
        .split([' ', '-'])
        .filter(|g| !g.is_empty())
        .map(|g| digits(g, Digits::Code))
        .collect();
    out.push_str(&groups.join(" "));
    out
}

/// English digit string → digits, groups separated by commas so the voice
/// pauses where the eye does.
fn en_code(number: &str) -> String {
    let mut out = String::new();
    if number.starts_with('+') {
        out.push_str("plus ");
    }
    let groups: Vec<String> = number
        .split([' ', '-', '.', '(', ')'])
        .filter(|g| !g.is_empty())
        .map(en_numbers::digits)
        .collect();
    out.push_str(&groups.join(", "));
    out
}

/// Chinese phone numbers and codes: by their shape (landlines with an area
/// code, mobiles, 400 lines), by a word before them (电话、拨打、热线…) or
/// after them (热线、电话…), and train numbers (`G1234次`).
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let shaped = pattern!(
        r"{B}(?P<num>0[0-9]{{2,3}}-[0-9]{{7,8}}|1[3-9][0-9]{{9}}|[48]00-?[0-9]{{3}}-?[0-9]{{4}}){B}"
    );
    let before = pattern!(
        r"(?P<ctx>电话号码|联系电话|咨询电话|服务热线|热线电话|举报电话|手机号码|手机号|电话|热线|拨打|致电|手机|号码|传真|专线)(?P<sep>\s*(?:是|为)?\s*[:：]?\s*)(?P<num>{DIGIT_GROUPS}){B}"
    );
    let after = pattern!(
        r"{B}(?P<num>[0-9]{{3,}}(?:-[0-9]+)*)(?P<sp>\s*)(?P<ctx>(?:政务服务便民|政务服务|便民服务|服务|便民|举报|投诉|咨询|求助|报警|急救|客服|维权|心理援助)?(?:热线|电话|专线))"
    );
    let train = pattern!(r"{B}(?P<l>[GDCZTKYSL])(?P<num>[0-9]{{1,4}})(?P<ci>次)");
    let text = before.replace_all(text, |caps: &regex::Captures<'_>| {
        format!(
            "{}{}{}",
            get(caps, "ctx"),
            get(caps, "sep"),
            zh_code(get(caps, "num"))
        )
    });
    let text = cow_step(text, |t| {
        shaped.replace_all(t, |caps: &regex::Captures<'_>| zh_code(get(caps, "num")))
    });
    let text = cow_step(text, |t| {
        after.replace_all(t, |caps: &regex::Captures<'_>| {
            format!("{}{}", zh_code(get(caps, "num")), get(caps, "ctx"))
        })
    });
    cow_step(text, |t| {
        train.replace_all(t, |caps: &regex::Captures<'_>| {
            format!("{}{}次", get(caps, "l"), zh_code(get(caps, "num")))
        })
    })
}

/// English phone numbers: North American shapes (`(555) 123-4567`,
/// `555-123-4567`, `555-0123`), international ones (`+44 20 7946 0958`),
/// and any digits after call, dial, phone, hotline, fax or tel.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let shaped = pattern!(
        r"(?P<num>(?:{B}1[-. ])?(?:\([0-9]{{3}}\)\s?|{B}[0-9]{{3}}[-.])[0-9]{{3}}[-.][0-9]{{4}}|{B}[0-9]{{3}}-[0-9]{{4}}|\+[0-9]{{1,3}}(?:[ -][0-9]{{1,4}}){{2,5}}){B}"
    );
    let context = pattern!(
        r"{B}(?P<ctx>(?i:call|dial|phone|telephone|hotline|fax|tel\.?|text)(?:\s+(?:us|them|him|her|on|at))?)(?P<sep>\s*:?\s*)(?P<num>\+?[0-9]{{3,}}(?:[ .-][0-9]+)*){B}"
    );
    let text = shaped.replace_all(text, |caps: &regex::Captures<'_>| en_code(get(caps, "num")));
    cow_step(text, |t| {
        context.replace_all(t, |caps: &regex::Captures<'_>| {
            format!(
                "{}{}{}",
                get(caps, "ctx"),
                get(caps, "sep"),
                en_code(get(caps, "num"))
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_phone_numbers() {
        let cases = [
            ("12368热线", "幺二三六八热线"),
            ("12345政务服务便民热线", "幺二三四五政务服务便民热线"),
            ("拨打110", "拨打幺幺零"),
            ("电话：010-12345678", "电话：零幺零 幺二三四五六七八"),
            (
                "联系电话为 0471 1234567",
                "联系电话为 零四七幺 幺二三四五六七",
            ),
            ("13812345678", "幺三八幺二三四五六七八"),
            ("400-810-8888", "四零零 八幺零 八八八八"),
            ("G1234次列车", "G幺二三四次列车"),
            ("100个电话", "100个电话"),
            ("手机3部", "手机3部"),
            ("电话+86 13812345678", "电话加八六 幺三八幺二三四五六七八"),
            ("1680人", "1680人"),
        ];
        for (text, want) in cases {
            assert_eq!(zh(text), want, "{text}");
        }
    }

    #[test]
    fn english_phone_numbers() {
        let cases = [
            (
                "(555) 123-4567",
                "five five five, one two three, four five six seven",
            ),
            (
                "555-123-4567",
                "five five five, one two three, four five six seven",
            ),
            ("call 555-0123", "call five five five, zero one two three"),
            (
                "+44 20 7946 0958",
                "plus four four, two zero, seven nine four six, zero nine five eight",
            ),
            ("Call 911 now", "Call nine one one now"),
            ("dial 999.", "dial nine nine nine."),
            ("won 3-2", "won 3-2"),
            ("call 10 people", "call 10 people"),
            (
                "Call 1-800-555-0199",
                "Call one, eight zero zero, five five five, zero one nine nine",
            ),
            ("recall 555 items", "recall 555 items"),
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
    }
}
