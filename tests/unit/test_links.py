import pytest

from merchant_screen.tools.links import Candidate, classify_link, pick_next, section_of


@pytest.mark.parametrize(
    ("url", "anchor", "kind"),
    [
        ("https://a.test/", "", "home"),
        ("https://a.test/policies/refund-policy", "", "refund"),
        ("https://a.test/policies/terms-of-service", "", "terms"),
        ("https://a.test/pages/shipping", "", "shipping"),
        ("https://a.test/terms-and-conditions/", "", "terms"),
        ("https://a.test/privacy-policy", "", "privacy"),
        ("https://a.test/faq", "", "faq"),
        ("https://a.test/about-us", "", "about"),
        ("https://a.test/contact", "", "contact"),
        ("https://a.test/collections/knives", "", "catalog"),
        ("https://a.test/products/gyuto-210", "", "product"),
        ("https://a.test/product/leather-bag/", "", "product"),
        ("https://a.test/shop/hunting/ammunition", "", "product"),
        ("https://a.test/shop/hunting", "", "catalog"),
        ("https://a.test/product-category/oils/", "", "catalog"),
        ("https://a.test/cart", "", "skip"),
        ("https://a.test/account/login", "", "skip"),
        ("https://a.test/blog/tag/summer", "", "skip"),
        ("https://a.test/collections/all?page=3", "", "skip"),
        ("https://a.test/blog/page/4/", "", "skip"),
        ("https://a.test/images/hero.jpg", "", "skip"),
        ("https://a.test/blog/our-new-range", "", "blog"),
        ("https://a.test/x7", "Returns & refunds", "refund"),
        ("https://a.test/x8", "Shop all", "catalog"),
        ("https://a.test/?page_id=12", "Terms of Service", "terms"),
        ("https://a.test/index.php?product=44", "", "product"),
    ],
)
def test_classify_link(url: str, anchor: str, kind: str) -> None:
    assert classify_link(url, anchor) == kind


def test_product_slug_with_skip_word_is_not_skipped() -> None:
    assert classify_link("https://a.test/products/canvas-tote-bag-print") == "product"


def test_section_of() -> None:
    assert section_of("https://a.test/shop/hunting/ammunition") == "/shop/hunting"
    assert section_of("https://a.test/products/x") == "/products"


def test_policy_pages_beat_blog_posts() -> None:
    cands = [Candidate(f"https://a.test/blog/post-{i}", "blog") for i in range(10)]
    cands += [
        Candidate("https://a.test/terms", "terms", region="footer"),
        Candidate("https://a.test/refund-policy", "refund", region="footer"),
    ]
    picked = pick_next(cands, [], 2)
    assert {c.kind for c in picked} == {"terms", "refund"}


def test_products_sampled_across_sections() -> None:
    knives = [Candidate(f"https://a.test/shop/knives/k{i}", "product") for i in range(8)]
    ammo = [Candidate(f"https://a.test/shop/hunting/a{i}", "product", depth=2) for i in range(2)]
    picked = pick_next(knives + ammo, [], 4)
    sections = [section_of(c.url) for c in picked]
    assert "/shop/hunting" in sections
    assert sections.count("/shop/knives") <= 3


def test_second_terms_page_loses_to_first_product() -> None:
    done = [Candidate("https://a.test/terms", "terms")]
    cands = [
        Candidate("https://a.test/legal/terms-of-use", "terms"),
        Candidate("https://a.test/products/x", "product"),
    ]
    assert pick_next(cands, done, 1)[0].kind == "product"


def test_interest_lifts_a_risky_category_link() -> None:
    plain = Candidate("https://a.test/collections/tents", "catalog")
    risky = Candidate("https://a.test/collections/ammunition", "catalog", interest=3.0)
    assert pick_next([plain, risky], [], 1)[0] is risky


def test_skip_kind_never_picked_and_deterministic() -> None:
    cands = [
        Candidate("https://a.test/cart", "skip"),
        Candidate("https://a.test/b", "other"),
        Candidate("https://a.test/a", "other"),
    ]
    first = pick_next(cands, [], 5)
    assert [c.url for c in first] == [c.url for c in pick_next(list(reversed(cands)), [], 5)]
    assert all(c.kind != "skip" for c in first)


def test_product_slug_with_policy_word_is_a_product() -> None:
    assert classify_link("https://a.test/products/team-jersey-help-edition") == "product"
