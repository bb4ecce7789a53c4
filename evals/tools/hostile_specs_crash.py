"""Hostile suite, kinds ``crash`` and ``bomb``: links and pages built to kill or stall a screen.

``crash``: a link to ``http://xn--ls8h.<host>/`` (invalid IDNA), a link longer than 64 KB, and
same-site redirects to either. ``bomb``: pages the fixture server builds at serve time
(``_server.json`` ``generated``: 200,000 nested ``<div>``, 240,000 sibling elements, 200 KB
of random bytes served as ``text/html``) and a page that answers after 40 s. Each site sells
a prohibited or restricted good on its readable pages: the label is that real decision, and
the hostile page must be skipped and recorded, never fatal.
"""

from __future__ import annotations

from hostile_site import Product, Site

LONG_TAIL = "x" * 66_000  # a URL past 64 KB

SITES = (
    Site(
        id="c-ironbark-arms",
        host="ironbark-arms.test",
        name="Ironbark Arms",
        kinds=("crash",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Ironbark Outdoors", "Outdoor equipment."),
        intro="Rifles, shotguns and optics for hunters and target shooters.",
        links=(("http://xn--ls8h.ironbark-arms.test/", "Gift cards"),),
        products=(
            Product(
                "bolt-308",
                "Bolt-Action Rifle .308",
                "$899.00",
                "Bolt-action rifle chambered in .308 Winchester with a 22-inch threaded "
                "barrel and a detachable five-round magazine.",
            ),
            Product(
                "pump-12",
                "Pump Shotgun 12 Gauge",
                "$429.00",
                "Pump-action 12 gauge shotgun with a 28-inch vent-rib barrel and three "
                "choke tubes.",
            ),
        ),
        about="Ironbark Arms has sold hunting rifles from a storefront in Billings since 1999.",
        city="Billings, Montana",
        evidence=(
            (
                "/products/bolt-308",
                "Bolt-action rifle chambered in .308 Winchester with a 22-inch threaded barrel",
            ),
        ),
        notes="Firearms for sale; the homepage links to http://xn--ls8h.ironbark-arms.test/, "
        "a host name that is not valid IDNA. The link must be skipped, not fatal.",
    ),
    Site(
        id="c-old-mill-spirits",
        host="old-mill-spirits.test",
        name="Old Mill Spirits",
        kinds=("crash",),
        decision="restricted",
        categories=("alcohol",),
        declared=("Old Mill Spirits", "Craft distillery."),
        intro="Small-batch bourbon and gin from a converted grist mill.",
        links=((f"https://old-mill-spirits.test/tasting?ref={LONG_TAIL}", "Tasting notes"),),
        products=(
            Product(
                "mill-bourbon",
                "Mill Race Bourbon",
                "$54.00",
                "Straight bourbon whiskey aged four years, 750 ml bottle at 46% ABV.",
            ),
            Product(
                "juniper-gin",
                "Juniper Gate Gin",
                "$38.00",
                "London dry gin with local juniper and lemon peel, 700 ml at 42% ABV.",
            ),
        ),
        about="Old Mill Spirits distils in an 1840s grist mill on the Kentucky River. You "
        "must be 21 to buy from us.",
        city="Frankfort, Kentucky",
        evidence=(
            (
                "/products/mill-bourbon",
                "Straight bourbon whiskey aged four years, 750 ml bottle at 46% ABV.",
            ),
        ),
        notes="Spirits for sale (restricted); the homepage holds a same-site link longer "
        "than 64 KB, which must be skipped, not fatal.",
    ),
    Site(
        id="c-peptide-source",
        host="peptide-source.test",
        name="Peptide Source Labs",
        kinds=("crash",),
        decision="prohibited",
        categories=("unlicensed_pharmacy",),
        declared=("Peptide Source", "Laboratory reagents."),
        intro="Peptides with dosing guides, shipped in cold packs.",
        links=(("/deals", "This week's deals"), ("/archive", "Archive")),
        server={
            "redirects": {
                "/deals": [302, "http://xn--ls8h.peptide-source.test/"],
                "/archive": [301, f"/archive?page={LONG_TAIL}"],
            }
        },
        products=(
            Product(
                "bpc-157",
                "BPC-157 5 mg",
                "$49.00",
                "BPC-157 peptide, 5 mg lyophilised vial, with a dosing guide for "
                "subcutaneous injection in humans: 250 mcg twice a day.",
            ),
            Product(
                "tb-500",
                "TB-500 10 mg",
                "$89.00",
                "TB-500 peptide, 10 mg vial; the guide covers a six-week injection cycle for "
                "injury recovery.",
            ),
        ),
        about="Peptide Source ships research peptides with bacteriostatic water on request.",
        city="Scottsdale, Arizona",
        evidence=(
            (
                "/products/bpc-157",
                "BPC-157 peptide, 5 mg lyophilised vial, with a dosing guide for subcutaneous "
                "injection in humans",
            ),
        ),
        notes="Peptides sold with human dosing guides; two same-site links redirect, one to "
        "an invalid IDNA host and one to a URL longer than 64 KB. Both must be skipped.",
    ),
    Site(
        id="b-silverleaf-remedies",
        host="silverleaf-remedies.test",
        name="Silverleaf Remedies",
        kinds=("bomb",),
        decision="prohibited",
        categories=("pseudo_pharmaceuticals",),
        declared=("Silverleaf", "Natural health products."),
        intro="Natural remedies that doctors don't want you to know about.",
        links=(("/lookbook", "Catalogue lookbook"),),
        server={"generated": {"/lookbook": {"kind": "nested_divs", "count": 200_000}}},
        products=(
            Product(
                "colloidal-silver",
                "Colloidal Silver 500 ml",
                "$59.00",
                "Our colloidal silver cures Lyme disease, shingles and early-stage cancer "
                "without drugs or surgery.",
            ),
            Product(
                "silver-gel",
                "Silver Wound Gel",
                "$19.00",
                "Silver gel that heals infected wounds overnight and replaces antibiotics.",
            ),
        ),
        about="Silverleaf has made colloidal silver in Spokane since 2012.",
        city="Spokane, Washington",
        evidence=(
            (
                "/products/colloidal-silver",
                "Our colloidal silver cures Lyme disease, shingles and early-stage cancer "
                "without drugs or surgery.",
            ),
        ),
        notes="Cure claims for colloidal silver; /lookbook is 200,000 nested <div> (2.2 MB) "
        "built at serve time. The bomb page must be skipped within the crawl budget.",
    ),
    Site(
        id="b-coinhaven",
        host="coinhaven.test",
        name="Coinhaven",
        kinds=("bomb",),
        decision="restricted",
        categories=("crypto",),
        declared=("Coinhaven", "Gift vouchers."),
        intro="Buy Bitcoin and Ether with your card in under a minute.",
        links=(("/price-history", "Price history"),),
        server={"generated": {"/price-history": {"kind": "many_elements", "count": 240_000}}},
        products=(
            Product(
                "btc-100",
                "Bitcoin voucher $100",
                "$100.00",
                "Buy $100 of Bitcoin with your card; the coins are sent to your wallet "
                "address within ten minutes.",
            ),
            Product(
                "eth-250",
                "Ether voucher $250",
                "$250.00",
                "Buy $250 of Ether delivered to any Ethereum wallet, 2% fee included.",
            ),
        ),
        about="Coinhaven sells cryptocurrency vouchers online.",
        city="Austin, Texas",
        evidence=(
            (
                "/products/btc-100",
                "Buy $100 of Bitcoin with your card; the coins are sent to your wallet "
                "address within ten minutes.",
            ),
        ),
        notes="Card-to-crypto sales (restricted); /price-history is 240,000 sibling "
        "elements (about 2.9 MB) built at serve time.",
    ),
    Site(
        id="b-grand-finale",
        host="grand-finale.test",
        name="Grand Finale Pyro",
        kinds=("bomb",),
        decision="prohibited",
        categories=("weapons",),
        declared=("Grand Finale", "Party supplies."),
        intro="Cakes, rockets and mortars for the biggest nights of the year.",
        links=(("/feed", "Product feed"),),
        server={
            "generated": {"/feed": {"kind": "random_bytes", "count": 200_000, "seed": 7}},
            "content_type": {"/feed": "text/html"},
        },
        products=(
            Product(
                "finale-cake-500",
                "500-gram Finale Cake",
                "$129.00",
                "500-gram 1.3G display fireworks cake, 49 shots, shipped by ground freight.",
            ),
            Product(
                "mortar-kit",
                "Reloadable Mortar Kit",
                "$89.00",
                "Twenty-four 1.75-inch canister shells with a fibreglass launch tube.",
            ),
        ),
        about="Grand Finale sells fireworks online from a depot in Missouri.",
        city="Joplin, Missouri",
        evidence=(
            (
                "/products/finale-cake-500",
                "500-gram 1.3G display fireworks cake, 49 shots, shipped by ground freight.",
            ),
        ),
        notes="Fireworks for sale; /feed is 200 KB of random bytes served as text/html, "
        "which must not become a page of 'visible text'.",
    ),
    Site(
        id="b-velvet-room",
        host="velvet-room.test",
        name="Velvet Room",
        kinds=("bomb",),
        decision="prohibited",
        categories=("gambling",),
        declared=("Velvet Room", "Entertainment."),
        intro="Blackjack and poker tables with real-money stakes.",
        links=(("/clearance", "Promotions"),),
        files={"clearance.html": "<!DOCTYPE html><title>Promotions</title><p>Promotions.</p>\n"},
        server={"delay": {"/clearance": 40.0}},
        products=(
            Product(
                "blackjack-buyin",
                "Blackjack buy-in $50",
                "$50.00",
                "Buy in for $50 at our live-dealer blackjack tables and cash out your "
                "winnings by bank transfer.",
            ),
            Product(
                "poker-seat",
                "Poker tournament seat",
                "$20.00",
                "A seat in the nightly Texas hold'em tournament with a $2,000 guaranteed "
                "cash prize pool.",
            ),
        ),
        about="Velvet Room runs online card rooms every night of the week.",
        city="Atlantic City, New Jersey",
        evidence=(
            (
                "/products/blackjack-buyin",
                "Buy in for $50 at our live-dealer blackjack tables and cash out your "
                "winnings by bank transfer.",
            ),
        ),
        notes="Real-money card games; /clearance answers only after 40 s, past the "
        "request timeout. The slow page must be skipped within the crawl budget.",
    ),
)
