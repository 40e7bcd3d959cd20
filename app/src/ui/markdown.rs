//! A model's answer drawn from `compute::markdown`'s tree, element by element. Every piece
//! of the model's text reaches the DOM as a text node: there is no `inner_html` here, and
//! the tree has no HTML node to draw. Links open apart, without the referrer or a handle
//! on this page.

use leptos::prelude::*;

use crate::compute::markdown::{self, Block, Inline};

/// The answer `text` as formatted text.
#[component]
pub fn Markdown(#[prop(into)] text: String) -> impl IntoView {
    let blocks = markdown::parse(&text);
    view! { <div class="markdown" data-testid="markdown">{blocks.into_iter().map(block).collect_view()}</div> }
}

fn block(b: Block) -> AnyView {
    match b {
        Block::Paragraph(inlines) => view! { <p>{inlines_view(inlines)}</p> }.into_any(),
        Block::Heading(level, inlines) => {
            // Inside an answer, a model's headings sit below the card's own.
            let inner = inlines_view(inlines);
            match level {
                1 | 2 => view! { <h4>{inner}</h4> }.into_any(),
                3 => view! { <h5>{inner}</h5> }.into_any(),
                _ => view! { <h6>{inner}</h6> }.into_any(),
            }
        }
        Block::Code { lang, text } => {
            view! { <pre class="code-block" data-lang=lang><code>{text}</code></pre> }.into_any()
        }
        Block::List { start: None, items } => view! { <ul>{items_view(items)}</ul> }.into_any(),
        Block::List { start: Some(start), items } => {
            view! { <ol start=start.to_string()>{items_view(items)}</ol> }.into_any()
        }
        Block::Quote(blocks) => {
            view! { <blockquote>{blocks.into_iter().map(block).collect_view()}</blockquote> }.into_any()
        }
        Block::Rule => view! { <hr /> }.into_any(),
    }
}

fn items_view(items: Vec<Vec<Block>>) -> impl IntoView {
    items.into_iter().map(|blocks| view! { <li>{blocks.into_iter().map(block).collect_view()}</li> }).collect_view()
}

fn inlines_view(inlines: Vec<Inline>) -> impl IntoView {
    inlines.into_iter().map(inline).collect_view()
}

fn inline(i: Inline) -> AnyView {
    match i {
        Inline::Text(text) => text.into_any(),
        Inline::Code(text) => view! { <code>{text}</code> }.into_any(),
        Inline::Strong(children) => view! { <strong>{inlines_view(children)}</strong> }.into_any(),
        Inline::Emphasis(children) => view! { <em>{inlines_view(children)}</em> }.into_any(),
        Inline::Strike(children) => view! { <s>{inlines_view(children)}</s> }.into_any(),
        Inline::Link { href: Some(href), children } => view! {
            <a href=href target="_blank" rel="noopener noreferrer nofollow">{inlines_view(children)}</a>
        }
        .into_any(),
        Inline::Link { href: None, children } => view! { <span>{inlines_view(children)}</span> }.into_any(),
        Inline::Break => view! { <br /> }.into_any(),
    }
}
