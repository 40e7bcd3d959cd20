//! A model's answer as Markdown, made safe to show: parsed (CommonMark and ~~strikethrough~~,
//! nothing else) into a small typed tree the page renders node by node, never as HTML.
//!
//! What a model writes is untrusted: a provider, or a prompt it was fed, can put anything in
//! it. So the tree has no HTML node (raw HTML, inline or block, is kept as the literal text
//! it is), no image (an image is its alt text: loading one would tell whoever wrote its
//! address that the answer was read), and links only to `http://`, `https://` and `mailto:`
//! (anything else, `javascript:` and relative addresses included, keeps its text and loses
//! its address). Containers nested deeper than [`MAX_DEPTH`] are flattened into text, so a
//! hostile answer cannot make the renderer recurse without bound. Tables, footnotes, task
//! lists and the rest stay off; anything the tree has no node for degrades to its text.
//!
//! A streamed answer is parsed again as it grows: an answer cut inside a code fence is
//! still a code block (CommonMark closes it at the end of the text).

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Containers (quotes, lists, emphasis, links…) nested deeper than this are flattened into
/// text. A list and its item count as one level. Answers never need more; the renderer
/// recurses once per level.
pub const MAX_DEPTH: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// Level 1 to 6.
    Heading(u8, Vec<Inline>),
    /// `lang` is the first word of a fence's info string, if any.
    Code {
        lang: Option<String>,
        text: String,
    },
    /// `start` is the first number of an ordered list; `None` for a bulleted one.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Strike(Vec<Inline>),
    /// `href` is `None` when the address was not one the page may open.
    Link {
        href: Option<String>,
        children: Vec<Inline>,
    },
    /// A line break. Single newlines in an answer are kept as breaks (as chat apps and
    /// GitHub comments do), since models write line by line.
    Break,
}

/// The answer's blocks. Never fails: whatever cannot be a node becomes text.
pub fn parse(text: &str) -> Vec<Block> {
    let mut tree = Builder { stack: vec![Frame::Blocks(Container::Root, Vec::new())], overflow: 0 };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        tree.event(event);
    }
    tree.finish()
}

/// The answer as it reads without its markup: what Copy puts on the clipboard. Code blocks
/// come out verbatim, list items keep their bullets or numbers, quotes their `> `, and a
/// link its address in brackets after its text (unless they are the same).
pub fn plain_text(blocks: &[Block]) -> String {
    blocks_text(blocks, "\n\n")
}

fn blocks_text(blocks: &[Block], gap: &str) -> String {
    let parts: Vec<String> = blocks.iter().map(block_text).filter(|s| !s.is_empty()).collect();
    parts.join(gap)
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Paragraph(inlines) | Block::Heading(_, inlines) => inlines_text(inlines),
        Block::Code { text, .. } => text.strip_suffix('\n').unwrap_or(text).to_string(),
        Block::List { start, items } => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let marker = match start {
                    Some(n) => format!("{}. ", n.saturating_add(i as u64)),
                    None => "- ".to_string(),
                };
                let indent = " ".repeat(marker.chars().count());
                // Inside an item its blocks follow line by line, as they were written.
                let text = blocks_text(item, "\n");
                let mut lines = text.split('\n');
                let first = lines.next().unwrap_or_default();
                out.push(format!("{marker}{first}"));
                out.extend(lines.map(|l| if l.is_empty() { String::new() } else { format!("{indent}{l}") }));
            }
            out.join("\n")
        }
        Block::Quote(inner) => blocks_text(inner, "\n\n")
            .split('\n')
            .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Rule => String::new(),
    }
}

fn inlines_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(s) | Inline::Code(s) => out.push_str(s),
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => out.push_str(&inlines_text(c)),
            Inline::Link { href, children } => {
                let text = inlines_text(children);
                out.push_str(&text);
                match href {
                    Some(h) if *h != text && h.strip_prefix("mailto:") != Some(text.as_str()) => {
                        out.push_str(&format!(" ({h})"))
                    }
                    _ => {}
                }
            }
            Inline::Break => out.push('\n'),
        }
    }
    out
}

/// The address a link may keep: web and mail only. The allowed list, rather than a list of
/// dangerous schemes, so that spellings no one thought of (`JaVaScRiPt:`, entities,
/// whitespace) fall out too. `http:` needs its `//`: without it a browser reads
/// `https:evil` as a path on this very site.
fn safe_href(link_type: LinkType, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if link_type == LinkType::Email {
        // An autolinked address (`<me@example.com>`) arrives without its scheme.
        return Some(format!("mailto:{dest}"));
    }
    let allowed = ["http://", "https://", "mailto:"].iter().any(|scheme| {
        dest.len() > scheme.len() && dest.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
    });
    allowed.then(|| dest.to_string())
}

enum Frame {
    Blocks(Container, Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Inlines(Span, Vec<Inline>),
    Code(Option<String>, String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Root,
    Quote,
    Item,
}

enum Span {
    /// `implicit`: opened by this builder for text found directly in a container (a tight
    /// list item's text, or content flattened past the depth bound).
    Paragraph {
        implicit: bool,
    },
    Heading(u8),
    Strong,
    Emphasis,
    Strike,
    Link(Option<String>),
    Image,
}

/// Builds the tree from the parser's events with a stack of open nodes, not recursion, so
/// its own depth is bounded by [`MAX_DEPTH`] whatever the input.
struct Builder {
    stack: Vec<Frame>,
    /// Tags opened while flattening (past the depth bound, or where no node fits) and not
    /// closed yet; their content goes in as text.
    overflow: usize,
}

impl Builder {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(s) | Event::Html(s) | Event::InlineHtml(s) => self.push_text(&s),
            Event::Code(s) => self.push_inline(Inline::Code(s.into_string())),
            Event::SoftBreak | Event::HardBreak => self.push_inline(Inline::Break),
            Event::Rule if self.overflow > 0 => self.separator(),
            Event::Rule => {
                self.close_implicit();
                self.push_block(Block::Rule);
            }
            // Off in the options; should they appear, their text is kept.
            Event::InlineMath(s) => self.push_text(&format!("${s}$")),
            Event::DisplayMath(s) => self.push_text(&format!("$${s}$$")),
            Event::FootnoteReference(s) => self.push_text(&format!("[^{s}]")),
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag) {
        let frame = match tag {
            Tag::Paragraph | Tag::HtmlBlock => Frame::Inlines(Span::Paragraph { implicit: false }, Vec::new()),
            Tag::Heading { level, .. } => Frame::Inlines(Span::Heading(level as u8), Vec::new()),
            Tag::BlockQuote(_) => Frame::Blocks(Container::Quote, Vec::new()),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                Frame::Code(lang, String::new())
            }
            Tag::List(start) => Frame::List(start, Vec::new()),
            Tag::Item => Frame::Blocks(Container::Item, Vec::new()),
            Tag::Emphasis => Frame::Inlines(Span::Emphasis, Vec::new()),
            Tag::Strong => Frame::Inlines(Span::Strong, Vec::new()),
            Tag::Strikethrough => Frame::Inlines(Span::Strike, Vec::new()),
            Tag::Link { link_type, dest_url, .. } => {
                Frame::Inlines(Span::Link(safe_href(link_type, &dest_url)), Vec::new())
            }
            Tag::Image { .. } => Frame::Inlines(Span::Image, Vec::new()),
            // Tables, footnotes, definition lists, metadata, super/subscript: off in the
            // options; were they to appear, their content would join the enclosing node.
            _ => return,
        };
        if self.overflow > 0 {
            self.overflow += 1;
            return;
        }
        let inline =
            matches!(frame, Frame::Inlines(ref span, _) if !matches!(span, Span::Paragraph { .. } | Span::Heading(_)));
        let fits = if inline {
            self.ensure_inlines();
            matches!(self.top(), Frame::Inlines(..))
        } else {
            self.close_implicit();
            match (self.top(), &frame) {
                (Frame::List(..), Frame::Blocks(Container::Item, _)) => true,
                (Frame::Blocks(..), Frame::Blocks(Container::Item, _)) => false,
                (Frame::Blocks(..), _) => true,
                _ => false,
            }
        };
        if !fits || self.depth() >= MAX_DEPTH {
            self.overflow = 1;
            self.ensure_inlines();
            return;
        }
        self.stack.push(frame);
    }

    fn end(&mut self, end: TagEnd) {
        let block = match end {
            TagEnd::Paragraph
            | TagEnd::HtmlBlock
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item => true,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image => false,
            _ => return,
        };
        if self.overflow > 0 {
            self.overflow -= 1;
            if block {
                self.separator();
            }
            return;
        }
        if matches!(end, TagEnd::BlockQuote(_) | TagEnd::Item) {
            self.close_implicit();
        }
        self.close_top();
    }

    fn finish(mut self) -> Vec<Block> {
        while self.stack.len() > 1 {
            self.close_top();
        }
        match self.stack.pop() {
            Some(Frame::Blocks(_, blocks)) => blocks,
            _ => Vec::new(),
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("the root frame is never closed")
    }

    /// Levels open below the root; a list item is one level with its list.
    fn depth(&self) -> usize {
        self.stack.iter().filter(|f| !matches!(f, Frame::Blocks(Container::Item | Container::Root, _))).count()
    }

    /// Makes the top frame one that takes text: a paragraph in a container, an item in a
    /// list. A code block takes text as it is.
    fn ensure_inlines(&mut self) {
        loop {
            match self.top() {
                Frame::Inlines(..) | Frame::Code(..) => return,
                Frame::Blocks(..) => self.stack.push(Frame::Inlines(Span::Paragraph { implicit: true }, Vec::new())),
                Frame::List(..) => self.stack.push(Frame::Blocks(Container::Item, Vec::new())),
            }
        }
    }

    fn close_implicit(&mut self) {
        if matches!(self.top(), Frame::Inlines(Span::Paragraph { implicit: true }, _)) {
            self.close_top();
        }
    }

    fn close_top(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        match self.stack.pop().expect("checked above") {
            Frame::Inlines(span, mut inlines) => {
                let node = match span {
                    Span::Paragraph { .. } => {
                        while matches!(inlines.last(), Some(Inline::Break)) {
                            inlines.pop();
                        }
                        if !inlines.is_empty() {
                            self.push_block(Block::Paragraph(inlines));
                        }
                        return;
                    }
                    Span::Heading(level) => return self.push_block(Block::Heading(level, inlines)),
                    Span::Image => return self.push_text(&inlines_text(&inlines)),
                    Span::Strong => Inline::Strong(inlines),
                    Span::Emphasis => Inline::Emphasis(inlines),
                    Span::Strike => Inline::Strike(inlines),
                    Span::Link(href) => Inline::Link { href, children: inlines },
                };
                self.push_inline(node);
            }
            Frame::Code(lang, text) => self.push_block(Block::Code { lang, text }),
            Frame::Blocks(Container::Item, blocks) => match self.top() {
                Frame::List(_, items) => items.push(blocks),
                _ => blocks.into_iter().for_each(|b| self.push_block(b)),
            },
            Frame::Blocks(_, blocks) => self.push_block(Block::Quote(blocks)),
            Frame::List(start, items) => self.push_block(Block::List { start, items }),
        }
    }

    fn push_block(&mut self, block: Block) {
        match self.top() {
            Frame::Blocks(_, blocks) => blocks.push(block),
            Frame::List(_, items) => items.push(vec![block]),
            // No block goes inside text; should one arrive there, its text does.
            Frame::Inlines(..) | Frame::Code(..) => self.push_text(&plain_text(&[block])),
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Inline::Text(s) = &inline {
            return self.push_text(s);
        }
        self.ensure_inlines();
        match self.top() {
            Frame::Inlines(_, inlines) => inlines.push(inline),
            Frame::Code(_, text) => text.push_str(&inlines_text(&[inline])),
            _ => unreachable!("ensure_inlines leaves text on top"),
        }
    }

    /// Text in a paragraph keeps its newlines as breaks; in a code block, as they are.
    fn push_text(&mut self, s: &str) {
        self.ensure_inlines();
        match self.top() {
            Frame::Code(_, text) => text.push_str(s),
            Frame::Inlines(_, inlines) => {
                for (i, line) in s.split('\n').enumerate() {
                    if i > 0 {
                        inlines.push(Inline::Break);
                    }
                    if line.is_empty() {
                        continue;
                    }
                    match inlines.last_mut() {
                        Some(Inline::Text(prev)) => prev.push_str(line),
                        _ => inlines.push(Inline::Text(line.to_string())),
                    }
                }
            }
            _ => unreachable!("ensure_inlines leaves text on top"),
        }
    }

    /// Between blocks flattened into text: a line break, once.
    fn separator(&mut self) {
        self.ensure_inlines();
        match self.top() {
            Frame::Inlines(_, inlines) if !matches!(inlines.last(), None | Some(Inline::Break)) => {
                inlines.push(Inline::Break)
            }
            Frame::Code(_, text) if !text.is_empty() && !text.ends_with('\n') => text.push('\n'),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    /// How deep the tree goes, counting every node that holds others.
    fn depth(blocks: &[Block]) -> usize {
        fn inline(i: &Inline) -> usize {
            match i {
                Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) | Inline::Link { children: c, .. } => {
                    1 + c.iter().map(inline).max().unwrap_or(0)
                }
                _ => 0,
            }
        }
        fn block(b: &Block) -> usize {
            match b {
                Block::Paragraph(c) | Block::Heading(_, c) => 1 + c.iter().map(inline).max().unwrap_or(0),
                Block::Quote(c) => 1 + depth(c),
                Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                Block::Code { .. } | Block::Rule => 1,
            }
        }
        blocks.iter().map(block).max().unwrap_or(0)
    }

    #[test]
    fn reads_the_markdown_answers_are_written_in() {
        let blocks = parse(
            "# Title\n\nSome **bold**, *soft*, ~~gone~~ and `code`.\nNext line.\n\n1. one\n2. two\n\n- a\n  - b\n\n> quoted\n\n---\n",
        );
        assert_eq!(
            blocks,
            [
                Block::Heading(1, vec![text("Title")]),
                Block::Paragraph(vec![
                    text("Some "),
                    Inline::Strong(vec![text("bold")]),
                    text(", "),
                    Inline::Emphasis(vec![text("soft")]),
                    text(", "),
                    Inline::Strike(vec![text("gone")]),
                    text(" and "),
                    Inline::Code("code".into()),
                    text("."),
                    Inline::Break,
                    text("Next line."),
                ]),
                Block::List {
                    start: Some(1),
                    items: vec![vec![Block::Paragraph(vec![text("one")])], vec![Block::Paragraph(vec![text("two")])]]
                },
                Block::List {
                    start: None,
                    items: vec![vec![
                        Block::Paragraph(vec![text("a")]),
                        Block::List { start: None, items: vec![vec![Block::Paragraph(vec![text("b")])]] },
                    ]]
                },
                Block::Quote(vec![Block::Paragraph(vec![text("quoted")])]),
                Block::Rule,
            ]
        );
    }

    #[test]
    fn html_is_only_ever_text() {
        assert_eq!(
            parse("<script>alert(1)</script>"),
            [Block::Paragraph(vec![text("<script>alert(1)</script>")])],
            "an HTML block"
        );
        assert_eq!(
            parse("Hi <img src=x onerror=alert(1)> there <b>bold</b>"),
            [Block::Paragraph(vec![text("Hi <img src=x onerror=alert(1)> there <b>bold</b>")])],
            "inline HTML"
        );
        let block = parse("<div>\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n\nafter");
        assert_eq!(
            block,
            [
                Block::Paragraph(vec![
                    text("<div>"),
                    Inline::Break,
                    text("<iframe src=\"https://evil.example\"></iframe>"),
                    Inline::Break,
                    text("</div>"),
                ]),
                Block::Paragraph(vec![text("after")]),
            ]
        );
    }

    #[test]
    fn images_are_their_alt_text() {
        assert_eq!(
            parse("see ![a **cat**](https://tracker.example/pixel.gif?u=1) here"),
            [Block::Paragraph(vec![text("see a cat here")])]
        );
        // A linked image: the link stays, the image is its words.
        assert_eq!(
            parse("[![logo](https://x.example/l.png)](https://0g.ai)"),
            [Block::Paragraph(vec![Inline::Link { href: Some("https://0g.ai".into()), children: vec![text("logo")] }])]
        );
    }

    #[test]
    fn links_keep_only_web_and_mail_addresses() {
        let href = |md: &str| match &parse(md)[..] {
            [Block::Paragraph(inlines)] => match &inlines[..] {
                [Inline::Link { href, children }] => {
                    assert_eq!(inlines_text(children), "x", "{md}: the text stays");
                    href.clone()
                }
                other => panic!("{md}: {other:?}"),
            },
            other => panic!("{md}: {other:?}"),
        };
        assert_eq!(href("[x](https://0g.ai/a?b=1)").as_deref(), Some("https://0g.ai/a?b=1"));
        assert_eq!(href("[x](HTTP://0G.AI)").as_deref(), Some("HTTP://0G.AI"));
        assert_eq!(href("[x](mailto:a@b.example)").as_deref(), Some("mailto:a@b.example"));
        assert_eq!(href("[x](MailTo:a@b.example)").as_deref(), Some("MailTo:a@b.example"));
        for refused in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](javascript&#58;alert(1))",
            "[x](<javascript:alert(1)>)",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](vbscript:msgbox)",
            "[x](/wallet/export)",
            "[x](../x)",
            "[x](//evil.example)",
            "[x](https:evil)",
            "[x](ftp://a.example)",
            "[x][r]\n\n[r]: javascript:alert(1)",
        ] {
            assert_eq!(href(refused), None, "{refused}");
        }
        // Autolinks: the web one as written, an address with its scheme added.
        assert_eq!(
            parse("<https://0g.ai> <me@example.com>"),
            [Block::Paragraph(vec![
                Inline::Link { href: Some("https://0g.ai".into()), children: vec![text("https://0g.ai")] },
                text(" "),
                Inline::Link { href: Some("mailto:me@example.com".into()), children: vec![text("me@example.com")] },
            ])]
        );
    }

    #[test]
    fn hostile_nesting_is_flattened_not_recursed() {
        for hostile in [
            format!("{}deep", ">".repeat(10_000)),
            format!("{}deep", "- ".repeat(10_000)),
            format!("{}deep{}", "*".repeat(10_000), "*".repeat(10_000)),
            format!("{}deep{}", "[".repeat(10_000), "](https://x.example)".repeat(10_000)),
        ] {
            let blocks = parse(&hostile);
            assert!(depth(&blocks) <= MAX_DEPTH + 2, "{}: {}", &hostile[..4], depth(&blocks));
            assert!(plain_text(&blocks).contains("deep"), "{}: the text survives", &hostile[..4]);
        }
        // Just past the bound, the innermost levels become text in the last one kept.
        let md = format!("{}inner", "> ".repeat(MAX_DEPTH + 3));
        let mut blocks = parse(&md);
        for _ in 0..MAX_DEPTH {
            blocks = match &blocks[..] {
                [Block::Quote(inner)] => inner.clone(),
                other => panic!("{other:?}"),
            };
        }
        assert_eq!(blocks, [Block::Paragraph(vec![text("inner")])]);
    }

    #[test]
    fn an_answer_cut_inside_a_fence_is_still_code() {
        assert_eq!(
            parse("Here:\n```rust\nfn main("),
            [Block::Paragraph(vec![text("Here:")]), Block::Code { lang: Some("rust".into()), text: "fn main(".into() },]
        );
        assert_eq!(
            parse("```\n<b>x</b>\n```\n\n    indented"),
            [
                Block::Code { lang: None, text: "<b>x</b>\n".into() },
                Block::Code { lang: None, text: "indented".into() }
            ]
        );
    }

    #[test]
    fn extensions_stay_off_and_read_as_text() {
        assert_eq!(
            parse("| a | b |\n|---|---|\n| 1 | 2 |"),
            [Block::Paragraph(vec![
                text("| a | b |"),
                Inline::Break,
                text("|---|---|"),
                Inline::Break,
                text("| 1 | 2 |")
            ])]
        );
        // Without footnotes, CommonMark reads `[^1]: there` as a link definition: a relative
        // address, so a link with none.
        assert_eq!(
            parse("note[^1]\n\n[^1]: there"),
            [Block::Paragraph(vec![text("note"), Inline::Link { href: None, children: vec![text("^1")] }])]
        );
        assert_eq!(
            parse("- [x] done"),
            [Block::List { start: None, items: vec![vec![Block::Paragraph(vec![text("[x] done")])]] }]
        );
    }

    #[test]
    fn plain_text_reads_as_the_answer_does() {
        let md = "# Steps\n\nRun **this**, see [docs](https://0g.ai) or <https://0g.ai>:\n\n```sh\nzg  run\n\n  --fast\n```\n\n3. one\n4. two\n   more\n\n> said\n>\n> twice\n\n[bad](javascript:x)";
        assert_eq!(
            plain_text(&parse(md)),
            "Steps\n\nRun this, see docs (https://0g.ai) or https://0g.ai:\n\nzg  run\n\n  --fast\n\n3. one\n4. two\n   more\n\n> said\n>\n> twice\n\nbad"
        );
        assert_eq!(plain_text(&[]), "");
    }
}
