//! output: a small front on quick-xml's writer for the XML and XHTML
//! artifacts (DAISY, EPUB, the HTML page, the podcast feed): every text and
//! attribute value goes through quick-xml's escaping, and the first write
//! error is kept for the end instead of being checked at every element.

use std::io;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

pub struct Xml {
    writer: Writer<Vec<u8>>,
    error: Option<io::Error>,
}

impl Default for Xml {
    fn default() -> Xml {
        Xml::new()
    }
}

impl Xml {
    pub fn new() -> Xml {
        Xml {
            writer: Writer::new(Vec::new()),
            error: None,
        }
    }

    fn event(&mut self, event: Event<'_>) -> &mut Xml {
        if self.error.is_none() {
            if let Err(e) = self.writer.write_event(event) {
                self.error = Some(e);
            }
        }
        self
    }

    /// `<?xml version="1.0" encoding="utf-8"?>` and a line break.
    pub fn declaration(&mut self) -> &mut Xml {
        self.event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
            .newline()
    }

    /// `<!DOCTYPE …>` with `content` as given (a fixed public identifier).
    pub fn doctype(&mut self, content: &str) -> &mut Xml {
        self.event(Event::DocType(BytesText::from_escaped(content)))
            .newline()
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Xml {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.event(Event::Start(start))
    }

    pub fn close(&mut self, name: &str) -> &mut Xml {
        self.event(Event::End(BytesEnd::new(name)))
    }

    /// A self-closing element: `<meta … />`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Xml {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.event(Event::Empty(start))
    }

    /// An element holding only `text`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Xml {
        self.open(name, attrs).text(text).close(name)
    }

    /// Escaped character data.
    pub fn text(&mut self, text: &str) -> &mut Xml {
        self.event(Event::Text(BytesText::new(text)))
    }

    /// Character data written as it is: for the page's own style sheet and
    /// script, which are constants of this crate holding no `<` or `&`.
    pub fn raw(&mut self, text: &str) -> &mut Xml {
        debug_assert!(!text.contains(['<', '&']));
        self.event(Event::Text(BytesText::from_escaped(text)))
    }

    /// Markup written as it is: an element of a document this crate wrote
    /// before, read back whole by an XML parser (the feed's earlier items).
    pub fn markup(&mut self, xml: &str) -> &mut Xml {
        self.event(Event::Text(BytesText::from_escaped(xml)))
    }

    pub fn newline(&mut self) -> &mut Xml {
        self.event(Event::Text(BytesText::from_escaped("\n")))
    }

    pub fn finish(self) -> io::Result<Vec<u8>> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.writer.into_inner()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut x = Xml::new();
        x.open("p", &[("title", "a\"<&>'")])
            .text("x < y & z")
            .close("p");
        let out = String::from_utf8(x.finish().unwrap()).unwrap();
        let doc = roxmltree::Document::parse(&out).unwrap();
        let p = doc.root_element();
        assert_eq!(p.attribute("title"), Some("a\"<&>'"));
        assert_eq!(p.text(), Some("x < y & z"));
    }
}
