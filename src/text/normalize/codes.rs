//! text: speakable text — numbers that are names, not amounts: phone
//! numbers, hotlines and train numbers, read digit by digit. Chinese reads 1
//! as 幺 there (`12368热线` → 幺二三六八热线, `010-12345678` → 零幺零
//! 幺二三四五六七八); English reads digits in their groups (`555-0123` →
//! five five five, zero one two three).

use std::borrow::Cow;

use super::pattern::cow_step;

use super::en_numbers;
use super::pattern::{get, pattern, whole, B};
use super::zh_numbers::{digits, Digits};
use super::zh_quantities::counted;

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

/// Emergency numbers, read digit by digit where the words around say they
/// are phone numbers (`call 999`, `拨打110`, `the 911 operator`,
/// `120急救`), and counts elsewhere (`999 people`, `110个`).
const EMERGENCY: &[&str] = &["110", "112", "119", "120", "122", "911", "999"];

/// Chinese phone numbers and codes: by their shape (landlines with an area
/// code, with a hyphen or a space, mobiles, 400 lines), by a word before
/// them (电话、拨打、热线…) or after them (热线、电话…; 报警、急救 for the
/// emergency numbers), and train numbers (`G1234次`). A number a measure
/// word follows is a count, whatever came before (`号码100个`).
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let shaped = pattern!(
        r"{B}(?P<num>0[0-9]{{2,3}}[- ][0-9]{{7,8}}|0[1-9][0-9]{{9,10}}|1[3-9][0-9]{{9}}|1[3-9][0-9][- ][0-9]{{4}}[- ][0-9]{{4}}|[48]00-?[0-9]{{3}}-?[0-9]{{4}}){B}"
    );
    let before = pattern!(
        r"(?P<ctx>电话号码|联系电话|咨询电话|服务热线|热线电话|举报电话|手机号码|手机号|电话|热线|拨打|致电|呼叫|手机|号码|传真|专线)(?P<sep>\s*(?:是|为)?\s*[:：]?\s*)(?P<num>{DIGIT_GROUPS}){B}"
    );
    let after = pattern!(
        r"{B}(?P<num>[0-9]{{3,}}(?:-[0-9]+)*)(?P<sp>\s*)(?P<ctx>(?:政务服务便民|政务服务|便民服务|服务|便民|举报|投诉|咨询|求助|报警|急救|客服|维权|心理援助)?(?:热线|电话|专线))"
    );
    let emergency = pattern!(
        r"{B}(?P<num>[0-9]{{3}})(?P<sp>\s*)(?P<ctx>报警|火警|急救|救护|接警|指挥中心|求助|呼救)"
    );
    let train = pattern!(r"{B}(?P<l>[GDCZTKYSL])(?P<num>[0-9]{{1,4}})(?P<ci>次)");
    let text = before.replace_all(text, |caps: &regex::Captures<'_>| {
        let rest = text.get(caps.get(0).map_or(0, |m| m.end())..);
        if rest.is_some_and(counted) {
            return whole(caps).to_owned();
        }
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
    let text = cow_step(text, |t| {
        emergency.replace_all(t, |caps: &regex::Captures<'_>| {
            let num = get(caps, "num");
            if !EMERGENCY.contains(&num) {
                return whole(caps).to_owned();
            }
            format!("{}{}{}", zh_code(num), get(caps, "sp"), get(caps, "ctx"))
        })
    });
    cow_step(text, |t| {
        train.replace_all(t, |caps: &regex::Captures<'_>| {
            format!("{}{}次", get(caps, "l"), zh_code(get(caps, "num")))
        })
    })
}

/// A written number, spaced, dotted or hyphenated, that can be a phone
/// number after a word that says so.
const PHONE: &str = r"\+?[0-9]{3,}(?:[ .-][0-9]+)*";

/// Words that say the number after them is to be dialled.
const CUES: &str = r"(?i:call|calls|calling|ring|dial|phone|telephone|hotline|helpline|freephone|fax|tel\.?|text|sms|whatsapp)(?:\s+(?:us|them|him|her|on|at))?";

/// Words after an emergency number that say it is one (`the 999 call`,
/// `a 911 dispatcher`).
const EMERGENCY_AFTER: &str = "calls?|callers?|operators?|dispatchers?|services?|lines?|numbers?|emergency|system|centre|center|hotline|handlers?|responders?";

/// English phone numbers: North American shapes (`(555) 123-4567`,
/// `555-123-4567`, `555 123 4567`, `555-0123`), international ones (`+44 20
/// 7946 0958`), numbers with a leading 0 and a known length, spaced or
/// not (`020 7946 0018`, `0161 496 0000`, `02079460018`), digits joined one
/// by one (`9-1-1`), any digits after call, ring, dial, phone, hotline,
/// fax or tel, and the list after them (`call 999 or 112`), and emergency
/// numbers before a word that names them (`the 999 service`). A count after
/// a cue stays a count (`call 100 people`).
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let shaped = pattern!(
        r"(?P<num>(?:{B}1[-. ])?(?:\([0-9]{{3}}\)\s?|{B}[0-9]{{3}}[-.])[0-9]{{3}}[-.][0-9]{{4}}|{B}[2-9][0-9]{{2}} [0-9]{{3}} [0-9]{{4}}|{B}[0-9]{{3}}-[0-9]{{4}}|\+[0-9]{{1,3}}(?:[ -][0-9]{{1,4}}){{2,5}}|{B}0[0-9]{{2,4}}(?:[ -][0-9]{{3,8}}){{1,2}}|{B}0[0-9]{{9,10}}|{B}[0-9](?:-[0-9]){{2,}}){B}"
    );
    let context = pattern!(r"{B}(?P<ctx>{CUES})(?P<sep>\s*:?\s*)(?P<num>{PHONE}){B}");
    let more = pattern!(r"^(?P<join>\s*(?:,|or|and)\s+)(?P<num>{PHONE}){B}");
    let named = pattern!(r"{B}(?P<num>[0-9]{{3}})(?P<rest>\s+(?:{EMERGENCY_AFTER}){B})");
    let text = shaped.replace_all(text, |caps: &regex::Captures<'_>| {
        let num = get(caps, "num");
        let digits = num.chars().filter(char::is_ascii_digit).count();
        // A number with a leading 0 is a phone number by its length only.
        let one_by_one = num.split('-').all(|g| g.len() == 1);
        if num.starts_with('0') && !one_by_one && !(10..=11).contains(&digits) {
            return num.to_owned();
        }
        en_code(num)
    });
    let text = cow_step(text, |t| {
        let mut out = String::new();
        let mut last = 0;
        for caps in context.captures_iter(t) {
            let (Some(m), Some(num)) = (caps.get(0), caps.name("num")) else {
                continue;
            };
            if m.start() < last || !dialled(num.as_str(), &t[m.end()..]) {
                continue;
            }
            out.push_str(&t[last..num.start()]);
            out.push_str(&en_code(num.as_str()));
            last = m.end();
            // The list that goes on after it: `call 999 or 112`.
            while let Some(next) = more.captures(&t[last..]) {
                let Some(n) = next.name("num") else { break };
                let end = last + next.get(0).map_or(0, |m| m.end());
                if !dialled(n.as_str(), &t[end..]) {
                    break;
                }
                out.push_str(get(&next, "join"));
                out.push_str(&en_code(n.as_str()));
                last = end;
            }
        }
        if last == 0 {
            return Cow::Borrowed(t);
        }
        out.push_str(&t[last..]);
        Cow::Owned(out)
    });
    cow_step(text, |t| {
        named.replace_all(t, |caps: &regex::Captures<'_>| {
            let num = get(caps, "num");
            if !EMERGENCY.contains(&num) {
                return whole(caps).to_owned();
            }
            format!("{}{}", en_code(num), get(caps, "rest"))
        })
    })
}

/// Whether `num`, after a cue, is dialled rather than counted: a count is
/// a plain number that a plural noun follows (`call 100 people`); an
/// emergency number is always dialled.
fn dialled(num: &str, after: &str) -> bool {
    if EMERGENCY.contains(&num) || num.contains([' ', '.', '-', '+']) || num.starts_with('0') {
        return true;
    }
    let word: String = after
        .strip_prefix(' ')
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let counted = word.len() > 2
        && word.chars().all(|c| c.is_ascii_lowercase())
        && (word.ends_with('s')
            || matches!(word.as_str(), "people" | "men" | "women" | "children"));
    !counted
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
            ("138 1234 5678", "幺三八 幺二三四 五六七八"),
            ("0471 1234567", "零四七幺 幺二三四五六七"),
            ("110报警", "幺幺零报警"),
            ("拨打120急救", "拨打幺二零急救"),
            ("999人", "999人"),
            ("号码100个", "号码100个"),
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
            (
                "ring 999 or 020 7946 0018",
                "ring nine nine nine or zero two zero, seven nine four six, zero zero one eight",
            ),
            ("call 999 or 112", "call nine nine nine or one one two"),
            ("the 999 service", "the nine nine nine service"),
            ("999 people", "999 people"),
            ("call 100 people", "call 100 people"),
            (
                "on 0161 496 0000",
                "on zero one six one, four nine six, zero zero zero zero",
            ),
            (
                "02079460018",
                "zero two zero seven nine four six zero zero one eight",
            ),
            ("dial 9-1-1", "dial nine, one, one"),
            (
                "555 123 4567",
                "five five five, one two three, four five six seven",
            ),
            ("in 0.5 seconds", "in 0.5 seconds"),
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
    }
}
