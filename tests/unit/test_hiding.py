"""style_hidden_reason, CssHiding, element_hiding: why an element's text is hidden."""

from __future__ import annotations

import pytest

from merchant_screen.tools.declarations import declaration_effect
from merchant_screen.tools.hiding import CssHiding, Hiding, element_hiding, style_hidden_reason

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
        ("color:rgb(100%, 100%, 100%);background:#FFF", "same_colour"),
        ("color:#eee;background:#eee none", "same_colour"),
        ("color:rgba(0,0,0,.5);background-color:#000;background-image:none", "same_colour"),
        # opacity
        ("opacity:0", "transparent"),
        ("opacity: 0.05 !important", "transparent"),
        ("opacity:0%", "transparent"),
        # clipping: the sr-only / visually-hidden pattern and clip-path
        ("position:absolute;clip:rect(0 0 0 0)", "clipped"),
        ("position:absolute;clip:rect(1px, 1px, 1px, 1px)", "clipped"),
        (
            "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
            "clip:rect(0,0,0,0);white-space:nowrap;border:0",
            "clipped",
        ),
        ("clip-path: inset(100%)", "clipped"),
        ("clip-path:inset(50%)", "clipped"),
        ("clip-path: inset(0 50% 0 50%)", "clipped"),
        ("clip-path:circle(0)", "clipped"),
        ("position:absolute;width:1px;height:1px;overflow:hidden", "zero_size"),
        # transforms
        ("transform:scale(0)", "zero_size"),
        ("transform: scale(0, 1)", "zero_size"),
        ("transform:translateX(10px) scaleY(0)", "zero_size"),
        ("transform:scale3d(1, 0, 1)", "zero_size"),
        ("transform:matrix(0, 0, 0, 0, 0, 0)", "zero_size"),
        ("transform:translateX(-9999px)", "offscreen"),
        ("transform:translate(-10000px, 0)", "offscreen"),
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
        # same colour, but something behind or around the text can make it readable
        "color:rgb(0,0,0);background:black url(x.png)",
        "color:#ffffffff;background:url(x.png) #fff no-repeat",
        "color:#fff;background:#fff linear-gradient(to bottom, #000, #333)",
        "color:#fff;background-color:#fff;background-image:url(hero.jpg)",
        "color:#fff;background:radial-gradient(#fff, #fff)",
        "color:#fff;background:rgba(255,255,255,0.4)",
        "color:#fff;background:#fff;text-shadow:0 0 2px #000",
        "color:#fff;background:#fff;-webkit-text-stroke:1px black",
        "color:#fff;background:#fff;mix-blend-mode:difference",
        "color:transparent;background:linear-gradient(#f00,#00f);background-clip:text",
        "color:transparent;background:#fff",
        # not enough to hide
        "opacity:0.5",
        "opacity:1",
        "clip:rect(0 0 0 0)",  # clip needs absolute positioning
        "position:absolute;clip:rect(0 200px 40px 0)",
        "clip-path:inset(10%)",
        "clip-path:inset(100px)",
        "transform:scale(1.5)",
        "transform:translateY(-50%)",
        "transform:rotate(0deg)",
        "position:absolute;width:1px;height:1px",
        "width:1px;height:1px;overflow:visible",
    ],
)
def test_inline_styles_that_show(style: str) -> None:
    assert style_hidden_reason(style) is None


def test_inherited_properties_reveal_and_hide_softly() -> None:
    assert declaration_effect("visibility:hidden").soft == "visibility"
    assert declaration_effect("font-size:0").soft == "font_size"
    assert declaration_effect("text-indent:-9999px").soft == "indent"
    assert declaration_effect("display:none").soft is None
    assert declaration_effect("opacity:0").soft is None
    assert declaration_effect("visibility:visible").reveals == {"visibility"}
    assert declaration_effect("font-size:14px").reveals == {"font_size"}
    assert declaration_effect("font-size:1.2rem").reveals == {"font_size"}
    assert declaration_effect("font-size:2em").reveals == frozenset()  # 2 x 0 is 0
    assert declaration_effect("font-size:100%").reveals == frozenset()
    assert declaration_effect("text-indent:0").reveals == {"indent"}


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


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (".x{opacity:0}", "transparent"),
        (
            ".x{position:absolute!important;width:1px!important;height:1px!important;"
            "overflow:hidden!important;clip:rect(0,0,0,0)!important;white-space:nowrap}",
            "clipped",
        ),
        (".x{clip-path:inset(100%)}", "clipped"),
        (".x{transform:scale(0)}", "zero_size"),
        (".x{position:absolute;left:-9999px}", "offscreen"),
        (".x{text-indent:-9999px;overflow:hidden}", "offscreen"),
        (".x{font-size:0}", "zero_size"),
        (".x{color:#fff;background-color:#fff}", "same_colour"),
        ("section{opacity:0}", "transparent"),
        ("@charset 'utf-8'; @import url(more.css); .x{display:none}", "display_none"),
    ],
)
def test_every_hiding_property_works_in_rules(rule: str, reason: str) -> None:
    assert CssHiding.from_styles([rule]).reason("section", "x", None) == reason


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
        [".menu{opacity:0} .menu.in{opacity:1}"],
        [".menu{position:absolute;left:-9999px} .menu:focus{left:0}"],
        [".menu{display:none} [class~=menu]{display:block}"],
        ["div{display:none} div.open{display:block}"],
        [".menu{display:none} div{display:block !important}"],
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


def test_a_show_cancels_only_hiding_through_the_same_property() -> None:
    css = CssHiding.from_styles([".x{opacity:0} .x{display:block;position:relative}"])
    assert css.reason("div", "x", None) == "transparent"


def test_a_tag_rule_does_not_outrank_a_class_rule() -> None:
    # normalize.css-style resets show tags; a class that hides still hides them
    css = CssHiding.from_styles(["main,div{display:block} .gone{display:none}"])
    assert css.reason("div", "gone", None) == "display_none"
    assert css.reason("main", "gone", None) == "display_none"


def test_the_strongest_of_several_matching_rules_is_reported() -> None:
    css = CssHiding.from_styles([".b{opacity:0} .a{display:none} .c{font-size:0}"])
    for classes in ("a b c", "c b a", "b c a"):
        assert css.reason("div", classes, None) == "display_none"


# ---------------------------------------------------------------- one element


def _hiding(tag: str, attrs: dict[str, str | None], *styles: str) -> Hiding | None:
    return element_hiding(tag, attrs, CssHiding.from_styles([*styles]))


@pytest.mark.parametrize(
    ("tag", "attrs", "reason"),
    [
        ("noscript", {}, "noscript"),
        ("template", {}, "template"),
        ("dialog", {}, "display_none"),
        ("div", {"hidden": ""}, "hidden_attribute"),
        ("div", {"hidden": "", "style": "font-size:0"}, "hidden_attribute"),
        ("div", {"style": "font-size:0", "aria-hidden": "true"}, "zero_size"),
        ("ul", {"style": "font-size:0"}, "zero_size"),
        ("div", {"style": "opacity:0"}, "transparent"),
    ],
)
def test_element_reasons_in_order_of_precedence(
    tag: str, attrs: dict[str, str | None], reason: str
) -> None:
    found = _hiding(tag, attrs)
    assert found is not None and found.reason == reason


@pytest.mark.parametrize(
    ("tag", "attrs"),
    [
        ("dialog", {"open": ""}),
        ("div", {"aria-hidden": "false"}),
        ("div", {"aria-hidden": "true"}),  # hides from screen readers, not from people
        ("main", {"aria-hidden": "true", "class": "catalogue"}),
        ("div", {"class": "card", "id": "main"}),
        ("div", {"hidden": "", "style": "display:block"}),  # the page's style wins
        ("dialog", {"style": "display:block"}),
    ],
)
def test_elements_that_are_shown(tag: str, attrs: dict[str, str | None]) -> None:
    assert _hiding(tag, attrs) is None


def test_a_class_that_sets_display_overrides_the_hidden_attribute() -> None:
    assert _hiding("main", {"hidden": "", "class": "shown"}, ".shown{display:grid}") is None


def test_inline_style_overrides_a_rule_on_the_same_property() -> None:
    styles = ".gone{display:none} .faded{opacity:0}"
    assert _hiding("div", {"class": "gone", "style": "display:block"}, styles) is None
    faded = _hiding("div", {"class": "faded", "style": "display:block"}, styles)
    assert faded is not None and faded.reason == "transparent"


def test_page_rules_come_after_inline_style() -> None:
    styles = ".gone{visibility:hidden}"
    found = _hiding("div", {"class": "gone", "aria-hidden": "true"}, styles)
    assert found == Hiding("visibility_hidden", "visibility")
    found = _hiding("div", {"class": "gone", "style": "display:none"}, styles)
    assert found == Hiding("display_none")


def test_soft_hiding_and_reveals_are_reported() -> None:
    assert _hiding("div", {"style": "visibility:hidden"}) == Hiding(
        "visibility_hidden", "visibility"
    )
    assert _hiding("p", {"style": "visibility:visible"}) == Hiding(
        reveals=frozenset({"visibility"})
    )
    assert _hiding("p", {"class": "show"}, ".show{visibility:visible}") == Hiding(
        reveals=frozenset({"visibility"})
    )
    assert _hiding("li", {}, "li{font-size:14px}") == Hiding(reveals=frozenset({"font_size"}))
