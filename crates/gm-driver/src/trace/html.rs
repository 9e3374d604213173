//! The page: the trace's JSON in a data block, with the stylesheet and the
//! script that draws it inlined, so the file opens offline from disk.

use crate::explore::html::escape;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

pub fn to_html(file: &str, data: &str) -> String {
    let mut title = String::new();
    escape(&mut title, file);
    let mut o = String::with_capacity(data.len() + CSS.len() + JS.len() + 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str(&format!("<title>gm trace: {title}</title>\n<style>\n"));
    o.push_str(CSS);
    o.push_str(
        "</style>\n</head>\n<body>\n<noscript>This page needs JavaScript to render.</noscript>\n",
    );
    o.push_str("<script type=\"application/json\" id=\"gm-trace\">\n");
    // The JSON escapes `<`, so it cannot close the script element.
    o.push_str(data);
    o.push_str("</script>\n<script>\n");
    o.push_str(JS);
    o.push_str("</script>\n</body>\n</html>\n");
    o
}
