"""style_hidden_reason, CssHiding, element_hidden_reason: why an element's text is hidden."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from merchant_screen.tools.hiding import CssHiding, element_hidden_reason, style_hidden_reason

# ---------------------------------------------------------------- inline styles


@pytest.mark.parametrize(
    ("style", "reason"),
    [
        ("display: none", "display_none"),
        ("DISPLAY:NONE !important", "display_none"),
        ("visibility:hidden !important", "visibility_hidden"),
        ("visibility: collapse", "visibility_hidden"),
        ("font-size:0", "zero_size"),
        ("font-size: 0.0em", "zero_size"),
        ("height:0;overflow:hidden", "zero_size"),
        ("width:0px;overflow: hidden", "zero_size"),
        ("position:absolute;left:-9999px", "offscreen"),
        ("position: fixed; top: -2000px", "offscreen"),
        ("position:absolute;left:-100em", "offscreen"),
        ("text-indent:-9999px", "offscreen"),
        ("color:#fff;background:#fff", "same_colour"),
        ("color:white;background-color:#ffffff", "same_colour"),
        ("color:rgb(0,0,0);background:black url(x.png)", "same_colour"),
        ("color:rgb(100%, 100%, 100%);background:#FFF", "same_colour"),
        ("color:#ffffffff;background:url(x.png) #fff no-repeat", "same_colour"),
    ],
)
def test_inline_styles_that_hide(style: str, reason: str) -> None:
    assert style_hidden_reason(style) == reason


@pytest.mark.parametrize(
    "style",
    [
        "",
        "color",
        "display:block;font-size:14px",
        "height:0",
        "overflow:hidden",
        "left:-9999px",
        "position:absolute;left:-20px",
        "text-indent:-20px",
        "color:#333;background:#fff",
        "color:#ffffff00;background:#fff",
        "color:rgba(255,255,255,0);background:white",
        "color:white",
        "color:chartreuse;background:chartreuse",
    ],
)
def test_inline_styles_that_show(style: str) -> None:
    assert style_hidden_reason(style) is None


# ---------------------------------------------------------------- <style> rules


def test_simple_class_id_and_tag_rules_hide() -> None:
    css = CssHiding.from_styles(
        [".sr-hide{display:none} #ghost { visibility : hidden }", "p.note{display:none}"]
    )
    assert css.reason("div", "x sr-hide", None) == "display_none"
    assert css.reason("span", None, " ghost ") == "visibility_hidden"
    assert css.reason("p", "note", None) == "display_none"
    assert css.reason("div", "note", None) is None
    assert css.reason("div", "other", "main") is None
    assert css.reason("div", None, None) is None


def test_a_compound_selector_needs_every_token() -> None:
    css = CssHiding.from_styles([".a.b{display:none}"])
    assert css.reason("div", "a", None) is None
    assert css.reason("div", "b a", None) == "display_none"


def test_escaped_class_names_match_the_attribute_value() -> None:
    css = CssHiding.from_styles([".md\\:hidden{display:none}"])
    assert css.reason("div", "md:hidden", None) == "display_none"


@pytest.mark.parametrize(
    "styles",
    [
        [".nav .menu{display:none}"],
        ["div > .menu{display:none}"],
        ["@media (max-width: 600px) { .menu { display: none } }"],
        ["/* .menu{display:none} */"],
        [".menu{display:none}", ".nav:hover .menu{display:block}"],
        [".menu{display:none} @media (min-width:768px){.menu{display:flex}}"],
        [".menu{visibility:hidden} .menu.open{visibility:visible}"],
        [".menu{color:red}"],
        [],
    ],
)
def test_rules_that_are_scoped_toggled_or_absent_do_not_hide(styles: list[str]) -> None:
    assert CssHiding.from_styles(styles).reason("div", "menu", None) is None


def test_a_class_shown_anywhere_unhides_every_element_carrying_it() -> None:
    css = CssHiding.from_styles([".hidden{display:none} .md\\:block{display:block}"])
    assert css.reason("div", "hidden", None) == "display_none"
    assert css.reason("div", "hidden md:block", None) is None


# ---------------------------------------------------------------- one element


def _reason(html: str, styles: tuple[str, ...] = ()) -> str | None:
    main = LexborHTMLParser(f"<main>{html}</main>").css_first("main")
    assert main is not None
    node = main.child
    assert node is not None and node.tag is not None
    return element_hidden_reason(node, node.tag, node.attributes, CssHiding.from_styles([*styles]))


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<noscript>x</noscript>", "noscript"),
        ("<template>x</template>", "template"),
        ("<dialog>x</dialog>", "display_none"),
        ("<div hidden>x</div>", "hidden_attribute"),
        ('<div hidden style="font-size:0">x</div>', "hidden_attribute"),
        ('<div style="font-size:0" aria-hidden="true">x</div>', "zero_size"),
        ('<div aria-hidden=" TRUE ">x</div>', "aria_hidden"),
        ('<ul style="font-size:0"><li>x</li></ul>', "zero_size"),
    ],
)
def test_element_reasons_in_order_of_precedence(html: str, reason: str) -> None:
    assert _reason(html) == reason


@pytest.mark.parametrize(
    "html",
    [
        "<dialog open>x</dialog>",
        '<div aria-hidden="false">x</div>',
        '<ul style="font-size:0"><li style="font-size:14px">x</li></ul>',
        '<div class="card" id="main">x</div>',
    ],
)
def test_elements_that_are_shown(html: str) -> None:
    assert _reason(html) is None


def test_page_rules_come_after_inline_style_and_before_aria() -> None:
    styles = (".gone{visibility:hidden}",)
    assert _reason('<div class="gone" aria-hidden="true">x</div>', styles) == "visibility_hidden"
    assert _reason('<div class="gone" style="display:none">x</div>', styles) == "display_none"
