//! The page: the data as a JSON block, with the stylesheet and the script
//! that renders it inlined, so the file opens offline from disk.

use super::Page;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

pub fn to_html(page: &Page) -> String {
    let data = super::json::to_json(page);
    let mut title = String::new();
    escape(&mut title, &page.file);
    let mut o = String::with_capacity(data.len() + CSS.len() + JS.len() + 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str(&format!("<title>gm explore: {title}</title>\n<style>\n"));
    o.push_str(CSS);
    o.push_str(
        "</style>\n</head>\n<body>\n<noscript>This page needs JavaScript to render.</noscript>\n",
    );
    o.push_str("<script type=\"application/json\" id=\"gm-data\">\n");
    o.push_str(&data);
    o.push_str("</script>\n<script>\n");
    o.push_str(JS);
    o.push_str("</script>\n</body>\n</html>\n");
    o
}

pub(crate) fn escape(o: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
}
