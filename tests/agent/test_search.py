from hypothesis import given
from hypothesis import strategies as st

from merchant_screen.agent.search import SiteIndex, split_passages


def test_passages_keep_offsets_into_the_page_text() -> None:
    text = "Home\nShop\n" + "Our 9mm ammunition ships in boxes of 50 rounds.\n" + "Contact us"
    for p in split_passages("https://a.test/", text, limit=40):
        first_line = p.text.split("\n")[0]
        assert text[p.start : p.start + len(first_line)] == first_line


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000))
def test_passages_never_exceed_limit_or_lose_words(text: str) -> None:
    passages = split_passages("https://a.test/", text, limit=120)
    for p in passages:
        for line in p.text.split("\n"):
            assert len(line) <= 120 or " " not in line
    joined = " ".join(p.text for p in passages).split()
    assert joined == text.split()


def test_bm25_finds_the_relevant_passage() -> None:
    pages = {
        "https://a.test/": "Welcome to Ridge Outfitters\nTents, stoves and sleeping bags.",
        "https://a.test/shop/hunting/ammo": "Federal 9mm FMJ ammunition, 50 rounds per box.\n"
        "Ships to verified adults only.",
        "https://a.test/faq": "Do you ship tents abroad? Yes, within the EU.",
    }
    passages = [p for url, text in pages.items() for p in split_passages(url, text)]
    index = SiteIndex(passages)
    hits = index.search("ammunition rounds")
    assert hits[0][0].url == "https://a.test/shop/hunting/ammo"
    assert index.search("the and of") == []
    assert index.search("xyzzy") == []
