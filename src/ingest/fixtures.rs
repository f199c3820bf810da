//! ingest: tests on the fixture documents in `tests/fixtures/inputs/` (one
//! Chinese and one English document per format, written for these tests):
//! the parsed title, metadata and exact paragraphs, that no markup, URL or
//! entity survives, and a mixed folder through dedupe, since and order.

use std::path::{Path, PathBuf};

use chrono::DateTime;

use super::tidy::{has_entity, has_url};
use super::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs")
}

/// Parses a fixture, named by its file name as the origin.
fn articles(name: &str) -> Vec<Article> {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    parse_document(&Document {
        origin: name.to_owned(),
        bytes,
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn one(name: &str) -> Article {
    let mut all = articles(name);
    assert_eq!(all.len(), 1, "{name}");
    all.remove(0)
}

/// What a fixture article must be.
#[derive(Default)]
struct Expect<'a> {
    location: &'a str,
    title: &'a str,
    source: Option<&'a str>,
    author: Option<&'a str>,
    editor: Option<&'a str>,
    published: Option<&'a str>,
    /// The published time, when the text carries a zone; times without one
    /// are local and checked against [`parse_published`].
    at: Option<&'a str>,
    language: &'a str,
    priority: Option<u32>,
    id: Option<&'a str>,
    url: Option<&'a str>,
    paragraphs: &'a [&'a str],
    byline: Option<&'a str>,
}

fn check(a: &Article, e: &Expect<'_>) {
    let at = a.published_at.map(|t| t.to_rfc3339());
    assert_eq!(a.location(), e.location);
    assert_eq!(a.title, e.title, "{}", e.location);
    assert_eq!(a.source.as_deref(), e.source, "{}", e.location);
    assert_eq!(a.author.as_deref(), e.author, "{}", e.location);
    assert_eq!(a.editor.as_deref(), e.editor, "{}", e.location);
    assert_eq!(a.published.as_deref(), e.published, "{}", e.location);
    match e.at {
        Some(expected) => assert_eq!(at.as_deref(), Some(expected), "{}", e.location),
        None => assert_eq!(
            a.published_at,
            e.published.and_then(parse_published),
            "{}",
            e.location
        ),
    }
    assert_eq!(a.language.tag(), e.language, "{}", e.location);
    assert_eq!(a.priority, e.priority, "{}", e.location);
    assert_eq!(a.id.as_deref(), e.id, "{}", e.location);
    assert_eq!(a.url.as_deref(), e.url, "{}", e.location);
    assert_eq!(a.paragraphs, e.paragraphs, "{}", e.location);
    assert_eq!(
        a.byline.as_ref().map(|b| b.name.as_str()),
        e.byline,
        "{}",
        e.location
    );
    assert_speakable(a);
}

/// No markup, URL or entity in anything that is read out.
fn assert_speakable(a: &Article) {
    for text in std::iter::once(&a.title).chain(&a.paragraphs) {
        for mark in ["**", "__", "`", "<", ">", "](", "![", "{", "}", "[", "\\"] {
            assert!(
                !text.contains(mark),
                "{}: {mark:?} in {text:?}",
                a.location()
            );
        }
        assert!(!text.starts_with('#'), "{}: {text:?}", a.location());
        assert!(!has_url(text), "{}: URL in {text:?}", a.location());
        assert!(!has_entity(text), "{}: entity in {text:?}", a.location());
        assert_eq!(text.trim(), text, "{}", a.location());
        assert!(!text.contains("  "), "{}: {text:?}", a.location());
    }
}

#[test]
fn seed_text() {
    check(
        &one("zh-seed.txt"),
        &Expect {
            location: "zh-seed.txt",
            title: "滨江公园二期工程完工 市民周末可入园游览",
            source: Some("江城日报"),
            author: Some("李明"),
            editor: Some("王芳"),
            published: Some("2026-11-28 09:30:00"),
            language: "zh",
            priority: Some(2),
            paragraphs: &[
                "经过一年半的建设，滨江公园二期工程于27日全部完工，新增绿地面积12万平方米。",
                "公园管理处介绍，二期工程新建了3公里长的滨水步道和两座观景平台，周末起向市民免费开放。",
                "下一步，管理处将根据市民意见继续完善配套设施。",
            ],
            byline: Some("李明"),
            ..Expect::default()
        },
    );
    let a = one("en-seed.txt");
    check(
        &a,
        &Expect {
            location: "en-seed.txt",
            title: "Harbour ferry timetable changes from Monday",
            source: Some("The Harbour Gazette"),
            author: Some("Ann Lee"),
            published: Some("2026-11-28 07:15"),
            language: "en",
            priority: Some(1),
            paragraphs: &[
                "The harbour ferry will run every fifteen minutes at peak times from Monday, the transport office said.",
                "Evening sailings after nine will be cut to one an hour while the pier is repaired.",
            ],
            byline: Some("Ann Lee"),
            ..Expect::default()
        },
    );
    assert!(a.published_at.is_some());
    assert!(a.extra.is_empty(), "priority is a field, not extra");
}

#[test]
fn markdown() {
    check(
        &one("zh-front-matter.md"),
        &Expect {
            location: "zh-front-matter.md",
            title: "市图书馆延长夜间开放时间",
            source: Some("江城日报"),
            author: Some("张华"),
            published: Some("2026-11-28T08:00:00+08:00"),
            at: Some("2026-11-28T08:00:00+08:00"),
            language: "zh-CN",
            priority: Some(3),
            id: Some("jcrb-20261128-0042"),
            paragraphs: &[
                "市图书馆自12月1日起将夜间开放时间延长至22时，详情见官网。",
                "馆长表示：延长开放是为了方便上班族。",
                "新增服务包括：",
                "自助借还书机增加到20台。",
                "三楼自习区新增座位300个。",
                "读者也可以通过微信公众号预约座位。",
            ],
            ..Expect::default()
        },
    );
    check(
        &one("en-front-matter.md"),
        &Expect {
            location: "en-front-matter.md",
            title: "Council approves free school breakfasts",
            source: Some("Valley Courier"),
            author: Some("Sam Okafor, Jo Reyes"),
            published: Some("2026-11-27T18:30:00Z"),
            at: Some("2026-11-27T18:30:00+00:00"),
            language: "en",
            priority: Some(2),
            id: Some("vc-2026-1127-schools"),
            url: Some("https://valley-courier.example/news/school-breakfasts"),
            paragraphs: &[
                "The town council voted on Tuesday to provide a free breakfast at every primary school from January.",
                "Councillors heard three arguments:",
                "hungry children find it hard to concentrate.",
                "attendance rose in a pilot at three schools.",
                "fewer pupils were late.",
                "The scheme pays for itself in better results, said the head of education.",
                "More at valley-courier.example.",
                "The council will review the scheme after one year.",
            ],
            byline: Some("Sam Okafor"),
            ..Expect::default()
        },
    );
}

#[test]
fn markdown_example_reads_as_the_seed_layout_did() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/04-en-school-meals.md");
    let doc = Document {
        origin: path.display().to_string(),
        bytes: std::fs::read(&path).unwrap(),
    };
    assert_eq!(detect_format(&doc).unwrap(), Format::Markdown);
    let via_markdown = parse_document(&doc).unwrap().remove(0);
    assert_eq!(via_markdown, parse(&doc).unwrap());
}

#[test]
fn json() {
    check(
        &one("zh-article.json"),
        &Expect {
            location: "zh-article.json",
            title: "地铁5号线南延段开通试运营",
            source: Some("江城日报"),
            author: Some("陈静、刘洋"),
            published: Some("2026-11-28 06:00:00"),
            language: "zh",
            priority: Some(1),
            id: Some("20261128017"),
            url: Some("https://news.example.cn/metro/5-south"),
            paragraphs: &[
                "地铁5号线南延段今天6时开通试运营，新增车站4座。",
                "首班车从“南湖站”发出，全程用时约25分钟。",
            ],
            ..Expect::default()
        },
    );
    let all = articles("en-articles.json");
    assert_eq!(all.len(), 2);
    check(
        &all[0],
        &Expect {
            location: "en-articles.json#1",
            title: "Storm warning for the coast tonight",
            source: Some("Coast Radio News"),
            author: Some("Priya Shah"),
            published: Some("Fri, 27 Nov 2026 16:45:00 +0000"),
            at: Some("2026-11-27T16:45:00+00:00"),
            language: "en-GB",
            priority: Some(1),
            id: Some("crn-storm-1127"),
            paragraphs: &[
                "Forecasters have issued an amber warning for gales along the coast from eight o'clock tonight.",
                "Ferries may be cancelled at short notice.",
            ],
            ..Expect::default()
        },
    );
    check(
        &all[1],
        &Expect {
            location: "en-articles.json#2",
            title: "Library wins national award",
            source: Some("Coast Radio News"),
            published: Some("2026-11-27T12:00:00Z"),
            at: Some("2026-11-27T12:00:00+00:00"),
            language: "en",
            id: Some("crn-library-1127"),
            url: Some("https://coastradio.example/news/library-award"),
            paragraphs: &[
                "The central library has won this year's national design award.",
                "Judges praised its reading garden and its late opening hours.",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn json_lines() {
    let all = articles("mixed.jsonl");
    assert_eq!(all.len(), 2);
    check(
        &all[0],
        &Expect {
            location: "mixed.jsonl#1",
            title: "新能源汽车下乡活动启动",
            source: Some("江城日报"),
            published: Some("2026-11-28T10:00:00+08:00"),
            at: Some("2026-11-28T10:00:00+08:00"),
            language: "zh",
            id: Some("w1"),
            paragraphs: &[
                "活动将持续到明年3月，覆盖全省60个县。",
                "参与企业将提供购车补贴和免费检测服务。",
            ],
            ..Expect::default()
        },
    );
    check(
        &all[1],
        &Expect {
            location: "mixed.jsonl#3",
            title: "Bridge reopens after repairs",
            source: Some("City Herald"),
            published: Some("2026-11-28T07:00:00Z"),
            at: Some("2026-11-28T07:00:00+00:00"),
            language: "en",
            id: Some("w2"),
            paragraphs: &[
                "The old town bridge reopened to traffic this morning after six weeks of repairs.",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn ninjs() {
    check(
        &one("zh-ninjs2.json"),
        &Expect {
            location: "zh-ninjs2.json",
            title: "全省今冬首场寒潮来袭 气温将下降8至10摄氏度",
            source: Some("江城通讯社"),
            author: Some("赵雷"),
            published: Some("2026-11-28T09:12:00+08:00"),
            at: Some("2026-11-28T09:12:00+08:00"),
            language: "zh-CN",
            priority: Some(3),
            id: Some("urn:ninjs:jcns.example.cn:20261128:00123"),
            paragraphs: &[
                "气象台28日发布寒潮蓝色预警，受强冷空气影响，未来三天全省大部分地区气温将下降8至10摄氏度。",
                "气象专家提醒，市民应及时添衣保暖，“出行注意防风防滑”。",
            ],
            ..Expect::default()
        },
    );
    check(
        &one("en-ninjs1.json"),
        &Expect {
            location: "en-ninjs1.json",
            title: "Offshore wind farm gets the go-ahead",
            source: Some("Example Wire"),
            author: Some("Mark Jensen"),
            published: Some("2026-11-27T21:05:00Z"),
            at: Some("2026-11-27T21:05:00+00:00"),
            language: "en",
            priority: Some(4),
            id: Some("http://wire.example.com/2026/11/27/harbour-wind-farm"),
            paragraphs: &[
                "Planners approved a forty-turbine wind farm off the harbour on Friday.",
                "The developer says the farm will power 200,000 homes — about a third of the region.",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn newsml() {
    check(
        &one("en-newsitem.xml"),
        &Expect {
            location: "en-newsitem.xml",
            title: "Dock workers call off Monday strike",
            source: Some("Example Wire"),
            author: Some("Helen Cho"),
            published: Some("2026-11-28T06:40:00Z"),
            at: Some("2026-11-28T06:40:00+00:00"),
            language: "en-GB",
            priority: Some(2),
            id: Some("urn:newsml:wire.example.com:20261128:harbour-strike"),
            paragraphs: &[
                "Dock workers at the city port have called off a strike planned for Monday after a late pay offer.",
                "The union said members would vote on the offer next week; the port & its ferries will run as usual.",
                "Talks had broken down twice this month.",
            ],
            ..Expect::default()
        },
    );
    // The picture (item 2) is no article.
    let all = articles("zh-newsmessage.xml");
    assert_eq!(all.len(), 2);
    check(
        &all[0],
        &Expect {
            location: "zh-newsmessage.xml#1",
            title: "全市中小学冬季作息时间调整",
            source: Some("江城通讯社"),
            author: Some("孙悦"),
            published: Some("2026-11-28T09:40:00+08:00"),
            at: Some("2026-11-28T09:40:00+08:00"),
            language: "zh-CN",
            priority: Some(4),
            id: Some("urn:newsml:jcns.example.cn:20261128:0101"),
            paragraphs: &[
                "市教育局27日发布通知，自12月1日起全市中小学上午到校时间推迟半小时。",
                "通知要求各校合理安排课间活动，确保学生每天校内体育活动时间不少于一小时。",
            ],
            ..Expect::default()
        },
    );
    check(
        &all[1],
        &Expect {
            location: "zh-newsmessage.xml#3",
            title: "城东新区供暖管网提前并网",
            source: Some("江城通讯社"),
            author: Some("吴刚"),
            published: Some("2026-11-28T10:00:00+08:00"),
            at: Some("2026-11-28T10:00:00+08:00"),
            language: "zh",
            priority: Some(1),
            id: Some("urn:newsml:jcns.example.cn:20261128:0103"),
            paragraphs: &[
                "三万户居民受益",
                "城东新区供暖管网于28日提前并网运行，三万户居民家中暖气已开始升温。",
                "新建管网全长18公里。",
                "新增换热站6座。",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn rss() {
    let all = articles("zh-feed.rss");
    assert_eq!(all.len(), 2);
    check(
        &all[0],
        &Expect {
            location: "zh-feed.rss#1",
            title: "江城机场新航站楼投入使用",
            source: Some("江城日报 要闻"),
            author: Some("周敏"),
            published: Some("Sat, 28 Nov 2026 08:20:00 +0800"),
            at: Some("2026-11-28T08:20:00+08:00"),
            language: "zh-CN",
            id: Some("jcrb-airport-20261128"),
            url: Some("https://news.example.cn/2026/11/28/airport.html"),
            paragraphs: &[
                "江城机场T3航站楼28日正式投入使用，年旅客吞吐能力达到3000万人次。",
                "机场方面表示，首日共有112个航班在新航站楼起降。",
            ],
            ..Expect::default()
        },
    );
    check(
        &all[1],
        &Expect {
            location: "zh-feed.rss#2",
            title: "本周末全市将迎来降雪",
            source: Some("江城日报 要闻"),
            author: Some("气象记者"),
            published: Some("Sat, 28 Nov 2026 07:00:00 +0800"),
            at: Some("2026-11-28T07:00:00+08:00"),
            language: "zh-CN",
            url: Some("https://news.example.cn/2026/11/28/snow.html"),
            paragraphs: &[
                "市气象台预计，本周六夜间到周日白天全市将出现中到大雪。",
                "交通部门提醒市民尽量选择公共交通出行。",
            ],
            ..Expect::default()
        },
    );
    check(
        &one("en-feed.rss"),
        &Expect {
            location: "en-feed.rss#1",
            title: "Night buses return to the northern suburbs",
            source: Some("City Herald: Local news"),
            author: Some("Dan Brooks"),
            published: Some("Fri, 27 Nov 2026 22:10:00 GMT"),
            at: Some("2026-11-27T22:10:00+00:00"),
            language: "en-GB",
            id: Some("https://herald.example/local/night-buses"),
            url: Some("https://herald.example/local/night-buses"),
            paragraphs: &[
                "Night buses will run again to the northern suburbs from Saturday, after a two-year gap.",
                "The service runs every thirty minutes between midnight and five.",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn atom() {
    let all = articles("en-feed.atom");
    assert_eq!(all.len(), 2);
    check(
        &all[0],
        &Expect {
            location: "en-feed.atom#1",
            title: "Flood defences & river path finished",
            source: Some("Valley Courier"),
            author: Some("Jo Reyes"),
            published: Some("2026-11-28T08:30:00+00:00"),
            at: Some("2026-11-28T08:30:00+00:00"),
            language: "en",
            id: Some("tag:valley-courier.example,2026:flood-defences"),
            url: Some("https://valley-courier.example/news/flood-defences"),
            paragraphs: &[
                "The new flood wall along the river was finished this week, a month ahead of plan.",
                "A riverside path on top of the wall opens to walkers on Saturday.",
            ],
            ..Expect::default()
        },
    );
    check(
        &all[1],
        &Expect {
            location: "en-feed.atom#2",
            title: "Farmers' market moves indoors for winter",
            source: Some("Valley Courier"),
            published: Some("2026-11-27T15:00:00Z"),
            at: Some("2026-11-27T15:00:00+00:00"),
            language: "en",
            id: Some("tag:valley-courier.example,2026:market"),
            url: Some("https://valley-courier.example/news/market"),
            paragraphs: &[
                "The Saturday farmers' market moves into the old corn exchange until March.",
            ],
            ..Expect::default()
        },
    );
    check(
        &one("zh-feed.atom"),
        &Expect {
            location: "zh-feed.atom#1",
            title: "长江大桥夜间限行措施解除",
            source: Some("江城通讯社 快讯"),
            author: Some("郑浩"),
            published: Some("2026-11-28T10:20:00+08:00"),
            at: Some("2026-11-28T10:20:00+08:00"),
            language: "zh",
            id: Some("urn:jcns:flash:20261128:77"),
            url: Some("https://jcns.example.cn/flash/77"),
            paragraphs: &[
                "长江大桥维修工程28日完工，夜间限行措施同时解除。",
                "交警部门提示，桥面限速仍为每小时60公里。",
            ],
            ..Expect::default()
        },
    );
}

#[test]
fn html_pages() {
    check(
        &one("en-page.html"),
        &Expect {
            location: "en-page.html",
            title: "Harbour tunnel to close for two weekends",
            source: Some("The Harbour Gazette"),
            author: Some("Ann Lee"),
            published: Some("2026-11-28T06:00:00+00:00"),
            at: Some("2026-11-28T06:00:00+00:00"),
            language: "en-GB",
            url: Some("https://gazette.example/news/tunnel-closure"),
            paragraphs: &[
                "The harbour tunnel will close on the next two weekends so that engineers can replace its lighting, the city’s roads department said on Friday.",
                "Drivers will be sent over the old swing bridge, which adds about ten minutes to the journey.",
                "Buses through the tunnel will run on a diversion route, and the night bus will not stop at Dock Street.",
            ],
            ..Expect::default()
        },
    );
    check(
        &one("zh-page.html"),
        &Expect {
            location: "zh-page.html",
            title: "我市新增三条公交夜班线路",
            source: Some("江城日报"),
            author: Some("钱晓"),
            editor: Some("王芳"),
            published: Some("2026-11-28T07:45:00+08:00"),
            at: Some("2026-11-28T07:45:00+08:00"),
            language: "zh-CN",
            paragraphs: &[
                "记者从市公交集团获悉，12月1日起我市将新增三条公交夜班线路，运营时间为每晚22时至次日5时。",
                "新线路覆盖火车站、大学城和城东新区等客流集中区域，票价统一为2元。",
                "公交集团表示，将根据试运行情况优化发车间隔。",
            ],
            ..Expect::default()
        },
    );
}

/// The mixed folder, read as the command line reads a folder.
fn day() -> Vec<Article> {
    let docs = collect(&[InputSpec::Path(fixtures().join("day"))]).unwrap();
    docs.iter()
        .flat_map(|d| parse_document(d).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn names(articles: &[Article]) -> Vec<String> {
    articles
        .iter()
        .map(|a| {
            let location = a.location();
            location.rsplit('/').next().unwrap_or(&location).to_owned()
        })
        .collect()
}

#[test]
fn a_mixed_folder_in_name_order() {
    let all = day();
    assert_eq!(
        names(&all),
        vec![
            "01-lead.txt",
            "02-library.md",
            "03-desk.json#1",
            "03-desk.json#2",
            "04-wire.json",
            "05-wire.xml",
            "06-feed.rss#1",
            "06-feed.rss#2",
            "07-bridge.html",
        ]
    );
    let titles: Vec<&str> = all.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Morning frost closes two mountain roads",
            "区图书馆周末增开亲子阅读课",
            "Museum extends its winter opening hours",
            "Morning frost closes two mountain roads",
            "Ferry fares to rise in January",
            "Ferry fares to rise by ten pence in January",
            "Swing bridge repairs finished",
            "城西菜市场改造完成",
            "Swing bridge repairs finished",
        ]
    );
    assert_eq!(
        all[1].paragraphs,
        vec![
            "区图书馆从本周六起每周末增开两场亲子阅读课，每场限30组家庭。",
            "报名可通过图书馆网站进行。"
        ]
    );
    all.iter().for_each(assert_speakable);
}

#[test]
fn a_mixed_folder_deduped_picked_and_ordered() {
    let (kept, dropped) = dedupe(day());
    assert_eq!(
        names(&kept),
        vec![
            "01-lead.txt",
            "02-library.md",
            "03-desk.json#1",
            "04-wire.json",
            "06-feed.rss#1",
            "06-feed.rss#2",
        ]
    );
    let why: Vec<(String, String, DuplicateOf)> = dropped
        .iter()
        .map(|d| {
            let kept = d.kept.rsplit('/').next().unwrap_or(&d.kept).to_owned();
            (
                names(std::slice::from_ref(&d.article))[0].clone(),
                kept,
                d.reason,
            )
        })
        .collect();
    assert_eq!(
        why,
        vec![
            (
                "03-desk.json#2".into(),
                "01-lead.txt".into(),
                DuplicateOf::Text
            ),
            ("05-wire.xml".into(), "04-wire.json".into(), DuplicateOf::Id),
            (
                "07-bridge.html".into(),
                "06-feed.rss#1".into(),
                DuplicateOf::Url
            ),
        ]
    );

    // The feed's bridge story is from the 26th; its market story has no
    // date and stays.
    let cutoff = DateTime::parse_from_rfc3339("2026-11-27T00:00:00Z").unwrap();
    let recent = since(kept, cutoff);
    assert_eq!(
        names(&recent),
        vec![
            "01-lead.txt",
            "02-library.md",
            "03-desk.json#1",
            "04-wire.json",
            "06-feed.rss#2",
        ]
    );

    // 01-lead is on the 29th at noon in any local zone; undated last.
    assert_eq!(
        names(&order(recent.clone(), Order::Published)),
        vec![
            "01-lead.txt",
            "04-wire.json",
            "02-library.md",
            "03-desk.json#1",
            "06-feed.rss#2",
        ]
    );
    // Priority 1, 2, 3 (ninjs urgency), then the rest as they came.
    let by_priority = order(recent.clone(), Order::Priority);
    assert_eq!(
        names(&by_priority),
        vec![
            "02-library.md",
            "01-lead.txt",
            "04-wire.json",
            "03-desk.json#1",
            "06-feed.rss#2",
        ]
    );
    assert_eq!(names(&order(recent.clone(), Order::Input)), names(&recent));
    assert_eq!(
        names(&limit(by_priority, 3)),
        vec!["02-library.md", "01-lead.txt", "04-wire.json"]
    );
}

#[test]
fn orders_by_name() {
    assert_eq!("priority".parse::<Order>(), Ok(Order::Priority));
    assert_eq!(" Published ".parse::<Order>(), Ok(Order::Published));
    assert_eq!(
        "random".parse::<Order>(),
        Err("unknown order \"random\" (expected one of: input, published, priority)".into())
    );
    assert_eq!(Order::default().to_string(), "input");
}

#[test]
fn every_fixture_parses_and_is_speakable() {
    let mut count = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for a in articles(&name) {
            assert_speakable(&a);
            count += 1;
        }
    }
    assert!(count >= 22, "{count}");
}
