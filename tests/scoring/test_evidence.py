"""One lexicon pass over a site: where hits stand, offer cues, exclusion cues, features."""

from __future__ import annotations

from merchant_screen.agent.adjudicate import quote_for
from merchant_screen.policy.lexicon import compile_lexicon
from merchant_screen.policy.loader import load_policy
from merchant_screen.scoring.evidence import gather_evidence
from merchant_screen.scoring.features import FEATURES, category_features
from merchant_screen.tools.extract import extract_page

POLICY = load_policy(None)
LEXICON = compile_lexicon(POLICY)
SITE = "https://store.test"
NAV = (
    "<nav><a href='/'>Home</a> <a href='/wine'>Wine &amp; Spirits</a> "
    "<a href='/shoes'>Shoes</a></nav>"
)
FOOT = "<footer>Our pharmacy counter is closed on Sundays.</footer>"


def page(path: str, main: str) -> object:
    html = f"<html><body>{NAV}<main>{main}</main>{FOOT}</body></html>"
    return extract_page(html.encode(), SITE + path)


def test_menu_and_footer_words_are_chrome_and_a_price_beside_a_term_is_an_offer() -> None:
    pages = [
        page("/", "<h1>Department store</h1><p>Shoes, bags and homeware for everyone.</p>"),
        page("/shoes", "<p>Leather boots $120. Add to cart.</p>"),
        page(
            "/products/islay-whisky",
            "<h1>Islay single malt scotch whisky</h1><p>12 year, 700 ml, $64.</p>"
            "<button>Add to cart</button>",
        ),
    ]
    evidence = gather_evidence(LEXICON, pages)  # type: ignore[arg-type]
    alcohol = evidence.categories["alcohol"]
    assert alcohol.offer_near and alcohol.offer_page
    assert alcohol.main_pages == {SITE + "/products/islay-whisky"}
    assert 0 < alcohol.chrome_hits < alcohol.hits  # "Wine & Spirits" in the menu is chrome
    ranked = alcohol.ranked()
    assert ranked[0]["url"] == SITE + "/products/islay-whisky" and not ranked[0]["chrome"]


def test_a_category_only_in_the_menu_is_all_chrome() -> None:
    pages = [page("/", "<p>Shoes and bags.</p>"), page("/bags", "<p>Tote bags $30.</p>")]
    alcohol = gather_evidence(LEXICON, pages).categories["alcohol"]  # type: ignore[arg-type]
    assert alcohol.chrome_hits == alcohol.hits and not alcohol.main_pages
    features = category_features(
        alcohol, model_probabilities=[], declared_score=0.0, prohibited=False
    )
    assert features["chrome_share"] == 1.0 and features["offer_near"] == 0.0
    assert features["model_asked"] == 0.0 and features["model_max"] == 0.5
    assert list(features) == list(FEATURES)


def test_an_exclusion_written_beside_the_evidence_deletes_nothing() -> None:
    """The evasion from the issue: a suppressor listing with "deer season" / "we do not sell"
    sentences still yields the weapons candidate, its passage and its full lexicon score."""
    listing = "<h1>Titan 22LR suppressor kit</h1><p>Threaded 1/2x28, ships to your door. $389.</p>"
    plain = gather_evidence(LEXICON, [page("/products/titan", listing)])  # type: ignore[list-item]
    evasive = gather_evidence(
        LEXICON,
        [
            page(  # type: ignore[list-item]
                "/products/titan",
                listing + "<p>We do not sell outside the US. Deer season special. Gun safe "
                "included. This is not a firearm, it is a solvent trap accessory.</p>",
            )
        ],
    )
    before, after = plain.categories["weapons"], evasive.categories["weapons"]
    assert after.site_score >= before.site_score
    assert max(c["score"] for c in after.passages) >= max(c["score"] for c in before.passages)
    assert after.negative_terms  # recorded as a cue for the scorer, nothing more


def test_legal_pages_and_declared_business_are_features() -> None:
    terms = page(
        "/terms",
        "<h1>Terms of service</h1><p>We do not sell firearms, ammunition or explosives.</p>",
    )
    weapons = gather_evidence(LEXICON, [terms]).categories["weapons"]  # type: ignore[list-item]
    features = category_features(
        weapons, model_probabilities=[0.2, 0.4], declared_score=1.5, prohibited=True
    )
    assert features["legal_share"] == 1.0
    assert features["model_max"] == 0.4 and features["model_mean"] == 0.3
    assert features["declared"] == 1.0 and features["prohibited"] == 1.0


def test_strong_terms_a_price_on_the_line_and_negations_are_counted() -> None:
    pages = [
        page("/products/ar", "<p>AR-15 lower receiver, $89.</p><p>Sportsbook odds daily.</p>"),
        page("/faq", "<p>We do not sell ammunition or firearms.</p>"),
    ]
    weapons = gather_evidence(LEXICON, pages).categories["weapons"]  # type: ignore[arg-type]
    features = category_features(
        weapons, model_probabilities=[], declared_score=0.0, prohibited=True
    )
    assert "ar-15" in weapons.strong_terms and features["strong_terms"] > 0
    assert weapons.offer_line and features["offer_line"] == 1.0
    assert 0 < features["negated_share"] < 1  # the FAQ line negates, the product line does not


def test_the_line_to_quote_is_page_content_not_a_licence_line_in_every_footer() -> None:
    """A footer licence line names more alcohol terms than the product line, but a line
    repeated in every footer proves nothing about the page: quote the product line."""
    licence = (
        "<footer>State Liquor Board licence #41 - Harbor Wine &amp; Spirits, wine, beer "
        "and liquor since 1987.</footer>"
    )
    pages = [
        extract_page(f"<html><body><main>{main}</main>{licence}</body></html>".encode(), SITE + p)
        for p, main in [
            ("/", "<p>Good bottles, honestly priced.</p>"),
            ("/about", "<p>Family owned.</p>"),
            ("/whisky", "<h1>Islay</h1><p>Islay single malt whisky, 12 year, $64.</p>"),
        ]
    ]
    alcohol = gather_evidence(LEXICON, pages).categories["alcohol"]
    whisky = next(c for c in alcohol.passages if c["url"] == SITE + "/whisky")
    assert whisky["line"] == "Islay single malt whisky, 12 year, $64."
    assert quote_for(whisky) == whisky["line"]
