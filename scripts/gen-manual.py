#!/usr/bin/python3
"""Render docs/mod_cors.xml (httpd's <modulesynopsis> shape) as
docs/mod_cors.html, laid out like a page of the Apache module reference:
the module's table and summary, the directive and topic indexes, then one
box per directive (Description, Syntax, Default, Context, Override, Status,
Module) followed by its usage and examples.

    scripts/gen-manual.py docs/mod_cors.xml > docs/mod_cors.html

Python's standard library only; the output depends on the source alone, so
tests/integration/test_960_manual.py can regenerate it and compare."""

import html
import sys
import textwrap
import xml.etree.ElementTree as ET

INLINE = {"code": "code", "var": "var", "em": "em", "strong": "strong",
          "th": "th", "td": "td"}
BLOCK = {"p", "ul", "li", "tr"}

CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 1em auto;
       padding: 0 1em; line-height: 1.45; color: #222; }
h1 { border-bottom: 2px solid #405871; }
h2 { background: #405871; color: #fff; padding: 0.2em 0.5em;
     font-size: 1.2em; margin-top: 2em; }
h2 a { color: #fff; text-decoration: none; }
table.module, table.directive { border-collapse: collapse; margin: 1em 0;
       background: #eef3f5; border: 1px solid #aaa; }
table.module th, table.directive th { text-align: left; padding: 0.2em 1em
       0.2em 0.5em; vertical-align: top; white-space: nowrap; }
table.module td, table.directive td { padding: 0.2em 0.5em; }
pre.example { background: #eef3f5; border: 1px solid #aaa;
       padding: 0.5em 1em; overflow-x: auto; }
pre.output { background: #f7f7f0; border: 1px dashed #aaa;
       padding: 0.5em 1em; overflow-x: auto; }
code.directive { font-weight: bold; }
div.note { background: #fff8dc; border: 1px solid #dda; padding: 0.5em 1em; }
ul.index { columns: 2; }
table.list { border-collapse: collapse; margin: 1em 0; }
table.list th, table.list td { border: 1px solid #aaa; padding: 0.2em 0.5em;
       text-align: left; vertical-align: top; }
""".strip("\n")


def esc(text):
    return html.escape(text or "", quote=False)


def inline(el):
    """The mixed content of el as HTML (text, inline markup, blocks)."""
    out = [esc(el.text)]
    for child in el:
        out.append(render(child))
        out.append(esc(child.tail))
    return "".join(out)


def preformatted(el):
    return esc(textwrap.dedent(el.text or "").strip("\n"))


def render(el):
    tag = el.tag
    if tag in INLINE:
        return "<%s>%s</%s>" % (INLINE[tag], inline(el), INLINE[tag])
    if tag == "directive":
        name = el.text.strip()
        return ('<a href="#%s"><code class="directive">%s</code></a>'
                % (name.lower(), esc(name)))
    if tag == "a":
        return '<a href="%s">%s</a>' % (html.escape(el.get("href")),
                                        inline(el))
    if tag in BLOCK:
        return "<%s>%s</%s>\n" % (tag, inline(el).strip(), tag)
    if tag == "table":
        return '<table class="list">\n%s</table>\n' % blocks(el)
    if tag == "example":
        return ('<pre class="example"><code>%s</code></pre>\n'
                % preformatted(el))
    if tag == "output":
        return '<pre class="output">%s</pre>\n' % preformatted(el)
    if tag == "note":
        return '<div class="note">%s</div>\n' % inline(el).strip()
    raise SystemExit("gen-manual: unknown element <%s>" % tag)


def blocks(el):
    """Children of a block container, each rendered on its own."""
    return "".join(render(child) for child in el)


def text_of(el, name):
    child = el.find(name)
    return inline(child).strip() if child is not None else ""


def directive_box(d, module, status):
    name = d.findtext("name").strip()
    contexts = ", ".join(c.text.strip() for c in d.find("contextlist"))
    rows = [
        ("Description", text_of(d, "description")),
        ("Syntax", "<code>%s</code>" % text_of(d, "syntax")),
        ("Default", "<code>%s</code>" % text_of(d, "default")),
        ("Context", contexts),
        ("Override", text_of(d, "override")),
        ("Status", status),
        ("Module", module),
    ]
    if d.find("compatibility") is not None:
        rows.append(("Compatibility", text_of(d, "compatibility")))
    out = ['<div class="directive-section">',
           '<h2><a id="%s">%s</a> Directive</h2>' % (name.lower(), esc(name)),
           '<table class="directive">']
    out += ['<tr><th>%s:</th><td>%s</td></tr>' % (label, value)
            for label, value in rows]
    out.append("</table>")
    usage = d.find("usage")
    if usage is not None:
        out.append(blocks(usage).rstrip("\n"))
    out.append("</div>")
    return "\n".join(out)


def generate(root):
    module = root.findtext("name").strip()
    status = root.findtext("status").strip()
    # Alphabetical, as every module page of the Apache manual lists them
    # (the source keeps the order of the module's directive table).
    directives = sorted(root.findall("directivesynopsis"),
                        key=lambda d: d.findtext("name").strip().lower())
    sections = root.findall("section")
    out = ["<!DOCTYPE html>",
           "<!-- Generated by scripts/gen-manual.py from docs/mod_cors.xml:"
           " edit that file, then run `make docs`. -->",
           '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<title>%s - Apache HTTP Server Version 2.4</title>" % module,
           "<style>", CSS, "</style>", "</head>", "<body>",
           '<p class="apache">Apache HTTP Server Version 2.4 &gt; Modules'
           ' &gt; %s</p>' % module,
           "<h1>Apache Module %s</h1>" % module,
           '<table class="module">',
           "<tr><th>Description:</th><td>%s</td></tr>"
           % text_of(root, "description"),
           "<tr><th>Status:</th><td>%s</td></tr>" % status,
           "<tr><th>Module Identifier:</th><td>%s</td></tr>"
           % text_of(root, "identifier"),
           "<tr><th>Source File:</th><td>%s</td></tr>"
           % text_of(root, "sourcefile"),
           "<tr><th>Compatibility:</th><td>%s</td></tr>"
           % text_of(root, "compatibility"),
           "</table>",
           "<h3>Summary</h3>",
           blocks(root.find("summary")).rstrip("\n"),
           '<div id="quickview">',
           "<h3>Directives</h3>", '<ul class="index">']
    for d in directives:
        name = d.findtext("name").strip()
        out.append('<li><a href="#%s">%s</a></li>' % (name.lower(), name))
    out += ["</ul>", "<h3>Topics</h3>", "<ul>"]
    for s in sections:
        out.append('<li><a href="#%s">%s</a></li>'
                   % (s.get("id"), text_of(s, "title")))
    out += ["</ul>", "</div>"]
    for s in sections:
        out.append('<div class="section">')
        out.append('<h2><a id="%s">%s</a></h2>'
                   % (s.get("id"), text_of(s, "title")))
        out.append("".join(render(c) for c in s if c.tag != "title")
                   .rstrip("\n"))
        out.append("</div>")
    for d in directives:
        out.append(directive_box(d, module, status))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: gen-manual.py docs/mod_cors.xml\n")
        return 2
    sys.stdout.write(generate(ET.parse(argv[1]).getroot()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
